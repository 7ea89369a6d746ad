package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.paperboy.subscriptions.SubscriberStatus;

/** docs/openapi.json describes every /api route, and real answers match its schemas. */
class AdminApiDescriptionTest extends WebTestBase {

    static final Path DOCUMENT = Path.of("docs/openapi.json");
    static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @Test
    void theServedDescriptionIsTheFileInDocsAndAValidOpenApiDocument() throws Exception {
        HttpResponse<String> served = web.api("GET", "/api/openapi.json", null, null);

        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(served.body()).isEqualTo(Files.readString(DOCUMENT));
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.body());
        assertThat(parsed.getMessages()).isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.1");
    }

    @Test
    void everyRouteUnderApiIsDescribedAndEveryDescribedRouteIsServed() throws Exception {
        Set<String> served = new TreeSet<>(web.server.routes().stream()
                .filter(r -> r.split(" ", 2)[1].startsWith("/api")).toList());
        Set<String> described = new TreeSet<>();
        JsonNode paths = document().get("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                    described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }

        assertThat(served).contains("GET /api/subscribers", "POST /api/editions", "GET /api/openapi.json");
        assertThat(described).isEqualTo(served);
    }

    @Test
    void realResponsesValidateAgainstTheirSchemas() throws Exception {
        List<String> checked = new ArrayList<>();
        // subscribers
        check(checked, "POST", "/api/subscribers", "/api/subscribers", 201,
                "{\"email\": \"ada@example.org\", \"topics\": [\"robotics\"]}");
        web.add("alan@example.org", SubscriberStatus.PENDING);
        check(checked, "GET", "/api/subscribers?limit=5", "/api/subscribers", 200, null);
        check(checked, "GET", "/api/subscribers/ada@example.org/export", "/api/subscribers/{email}/export", 200, null);
        check(checked, "POST", "/api/subscribers", "/api/subscribers", 400, "{\"email\": \"not an address\"}");
        check(checked, "POST", "/api/subscribers", "/api/subscribers", 409, "{\"email\": \"ada@example.org\"}");
        check(checked, "GET", "/api/subscribers?status=nonsense", "/api/subscribers", 400, null);
        check(checked, "PATCH", "/api/subscribers/ada@example.org", "/api/subscribers/{email}", 200,
                "{\"topics\": [\"diffusion\"], \"timezone\": \"Asia/Tokyo\"}");
        check(checked, "PATCH", "/api/subscribers/ada@example.org", "/api/subscribers/{email}", 400,
                "{\"timezone\": \"+05:30\"}");
        check(checked, "PATCH", "/api/subscribers/nobody@example.org", "/api/subscribers/{email}", 404,
                "{\"topics\": []}");
        // papers
        check(checked, "GET", "/api/papers/trending?limit=3", "/api/papers/trending", 200, null);
        check(checked, "POST", "/api/papers", "/api/papers", 200,
                "[{\"externalId\": \"2611.77777\", \"title\": \"A paper by hand\", \"upvotes\": 3}]");
        check(checked, "POST", "/api/papers", "/api/papers", 400, "{\"title\": \"no id\"}");
        // editions
        check(checked, "POST", "/api/editions", "/api/editions", 202, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> web.paperboy.editions().list(1).stream()
                .anyMatch(e -> e.finishedAt() != null));
        check(checked, "GET", "/api/editions", "/api/editions", 200, null);
        check(checked, "GET", "/api/editions/2026-11-26", "/api/editions/{date}", 200, null);
        check(checked, "GET", "/api/editions/2026-11-25", "/api/editions/{date}", 404, null);
        check(checked, "GET", "/api/editions/yesterday", "/api/editions/{date}", 400, null);
        // erasure last, and the errors every route shares
        check(checked, "DELETE", "/api/subscribers/ada@example.org", "/api/subscribers/{email}", 200, null);
        check(checked, "DELETE", "/api/subscribers/ada@example.org", "/api/subscribers/{email}", 404, null);
        HttpResponse<String> unauthorized = web.api("GET", "/api/editions", null, "Bearer wrong");
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(errors("/api/editions", "get", 401, unauthorized.body())).isEmpty();

        assertThat(checked).hasSize(19);
    }

    @Test
    void theSchemasRejectAnAnswerOfTheWrongShape() throws Exception {
        assertThat(errors("/api/subscribers", "get", 200, "{\"total\": \"many\", \"offset\": 0}")).isNotEmpty();
        assertThat(errors("/api/editions/{date}", "get", 200,
                "{\"id\": 1, \"date\": \"2026-11-26\", \"status\": \"sent\", \"createdAt\": null, \"deliveries\": {}}"))
                .as("problems is required").isNotEmpty();
        assertThat(errors("/api/editions", "post", 409, "{\"field\": null}")).as("error is required").isNotEmpty();
    }

    private void check(List<String> checked, String method, String url, String template, int status, String body)
            throws Exception {
        HttpResponse<String> r = web.api(method, url, body);
        assertThat(r.statusCode()).as(method + " " + url + ": " + r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(errors(template, method.toLowerCase(Locale.ROOT), status, r.body()))
                .as(method + " " + url + " " + status + ": " + r.body()).isEmpty();
        checked.add(method + " " + url + " " + status);
    }

    /** What the validator finds wrong with {@code body} as the documented answer {@code status} of {@code method path}. */
    static List<Error> errors(String path, String method, int status, String body) throws Exception {
        JsonNode doc = document();
        JsonNode response = doc.get("paths").get(path).get(method).get("responses").get(Integer.toString(status));
        assertThat(response).as("%s %s documents %d", method, path, status).isNotNull();
        if (response.has("$ref")) {
            response = doc.at(response.get("$ref").asText().substring(1));
        }
        JsonNode schema = response.get("content").get("application/json").get("schema");
        // the operation's schema at the root, the document's components beside it for its $refs
        ObjectNode wrapper = Json.MAPPER.createObjectNode();
        wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        wrapper.set("components", doc.get("components"));
        wrapper.set("allOf", Json.MAPPER.createArrayNode().add(schema));
        return SCHEMAS.getSchema(Json.MAPPER.writeValueAsString(wrapper), InputFormat.JSON).validate(body, InputFormat.JSON);
    }

    static JsonNode document() throws Exception {
        return Json.MAPPER.readTree(Files.readString(DOCUMENT));
    }
}
