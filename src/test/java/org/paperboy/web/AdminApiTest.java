package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.ErasedAddresses;
import org.paperboy.subscriptions.SubscriberStatus;

class AdminApiTest extends WebTestBase {

    static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    @Test
    void missingMalformedOrWrongTokenIs401WithAJsonError() {
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        String before = web.snapshot();
        for (String auth : new String[] {null, "Bearer", "Bearer ", "Basic " + WebHarness.ADMIN_TOKEN,
                "Bearer wrong", "Bearer " + WebHarness.ADMIN_TOKEN + "x", "Bearer " + WebHarness.ADMIN_TOKEN.substring(1)}) {
            for (String[] call : new String[][] {{"GET", "/api/subscribers"}, {"DELETE", "/api/subscribers/ada@example.org"},
                    {"GET", "/api/subscribers/ada@example.org/export"}, {"POST", "/api/editions"}}) {
                HttpResponse<String> r = web.api(call[0], call[1], null, auth);
                assertThat(r.statusCode()).as(auth + " " + call[1]).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
                assertThat(json(r).get("error").asText()).isIn("missing Authorization: Bearer token", "wrong admin token");
            }
        }
        assertThat(web.snapshot()).isEqualTo(before);
        assertThat(web.paperboy.editions().list(5)).isEmpty();
    }

    @Test
    void wrongTokensFromOneClientArePausedWith429ButTheRightTokenIsNeverRefused() {
        HttpResponse<String> paused = null;
        for (int i = 0; i < 100 && paused == null; i++) {
            HttpResponse<String> r = web.api("GET", "/api/subscribers", null, "Bearer guess-" + i);
            if (r.statusCode() == 429) {
                paused = r;
            } else {
                assertThat(r.statusCode()).isEqualTo(401);
            }
        }

        assertThat(paused).as("a 429 within 100 wrong tokens").isNotNull();
        assertThat(paused.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(paused).get("error").asText()).contains("too many wrong admin tokens");
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("op:guess".getBytes());
        assertThat(web.send(java.net.http.HttpRequest.newBuilder(web.uri("/preview")).header("Authorization", basic)
                .build()).statusCode()).isEqualTo(429);
        for (int i = 0; i < 30; i++) {
            assertThat(web.api("GET", "/api/subscribers", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void emptyAdminTokenDisablesTheApi(@TempDir Path other) {
        web.close();
        web = WebHarness.start(other, greenMail, WebLimits.DEFAULT, Map.of("ADMIN_TOKEN", ""));

        HttpResponse<String> r = web.api("GET", "/api/subscribers", null, "Bearer ");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).contains("disabled", "PAPERBOY_ADMIN_TOKEN");
    }

    @Test
    void addListAndFilterSubscribers() {
        HttpResponse<String> created = web.api("POST", "/api/subscribers",
                "{\"email\": \" Ada@Example.ORG \", \"topics\": [\"robotics\"]}");
        web.api("POST", "/api/subscribers", "{\"email\": \"pending@example.org\", \"status\": \"pending\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).get("email").asText()).isEqualTo("Ada@example.org");
        assertThat(json(created).get("status").asText()).isEqualTo("active");
        assertThat(json(created).get("preferences").get("topics").get(0).asText()).isEqualTo("robotics");
        web.awaitMail("pending@example.org", 1);
        JsonNode all = json(web.api("GET", "/api/subscribers", null));
        assertThat(all.get("total").asInt()).isEqualTo(2);
        JsonNode active = json(web.api("GET", "/api/subscribers?status=active", null));
        assertThat(active.get("total").asInt()).isEqualTo(1);
        assertThat(active.get("subscribers").get(0).get("email").asText()).isEqualTo("Ada@example.org");
    }

    @Test
    void aSubscriberAddedWithATimeZoneKeepsIt() {
        HttpResponse<String> created = web.api("POST", "/api/subscribers",
                "{\"email\": \"ada@example.org\", \"timezone\": \"Pacific/Kiritimati\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).get("preferences").get("timezone").asText()).isEqualTo("Pacific/Kiritimati");
        assertThat(web.subscriber("ada@example.org").preferences().timezone())
                .isEqualTo(java.time.ZoneId.of("Pacific/Kiritimati"));
        JsonNode listed = json(web.api("GET", "/api/subscribers", null)).get("subscribers").get(0);
        assertThat(listed.get("preferences").get("timezone").asText()).isEqualTo("Pacific/Kiritimati");
    }

    @Test
    void anOperatorChangesTopicsAndTimeZoneOfAnExistingSubscriber() {
        web.api("POST", "/api/subscribers", "{\"email\": \"ada@example.org\", \"topics\": [\"robotics\"],"
                + " \"timezone\": \"Asia/Tokyo\"}");

        HttpResponse<String> topics = web.api("PATCH", "/api/subscribers/ada@example.org",
                "{\"topics\": [\"robot manipulation\", \"diffusion\"]}");

        assertThat(topics.statusCode()).as(topics.body()).isEqualTo(200);
        assertThat(web.subscriber("ada@example.org").preferences().topics()).containsExactly("robot manipulation", "diffusion");
        assertThat(web.subscriber("ada@example.org").preferences().timezone()).as("left out: unchanged")
                .isEqualTo(java.time.ZoneId.of("Asia/Tokyo"));
        assertThat(json(topics).get("preferences").get("topics").get(1).asText()).isEqualTo("diffusion");

        HttpResponse<String> back = web.api("PATCH", "/api/subscribers/ADA@example.org",
                "{\"timezone\": null, \"topics\": []}");

        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(web.subscriber("ada@example.org").preferences().topics()).isEmpty();
        assertThat(web.subscriber("ada@example.org").preferences().timezone()).as("the newsletter's zone").isNull();
    }

    @Test
    void aBadChangeOfPreferencesIsA4xxNamingTheFieldAndChangesNothing() {
        web.api("POST", "/api/subscribers", "{\"email\": \"ada@example.org\", \"topics\": [\"robotics\"]}");
        String before = web.snapshot();
        Object[][] cases = {
                {"ada@example.org", "{\"topics\": \"robotics\"}", 400, "topics"},
                {"ada@example.org", "{\"topics\": [42]}", 400, "topics"},
                {"ada@example.org", "{\"topics\": [\"" + "x".repeat(500) + "\"]}", 400, "topics"},
                {"ada@example.org", "{\"timezone\": \"+05:30\"}", 400, "timezone"},
                {"ada@example.org", "{\"timezone\": \"Mars/Olympus_Mons\"}", 400, "timezone"},
                {"ada@example.org", "{\"topics\": [\"diffusion\"], \"timezon\": \"Asia/Tokyo\"}", 400, "timezon"},
                {"ada@example.org", "{\"status\": \"active\"}", 400, "status"},
                {"ada@example.org", "{}", 400, null},
                {"ada@example.org", "[\"diffusion\"]", 400, null},
                {"nobody@example.org", "{\"topics\": [\"diffusion\"]}", 404, "email"},
                {"not an address", "{\"topics\": [\"diffusion\"]}", 400, "email"},
        };
        for (Object[] c : cases) {
            HttpResponse<String> r = web.api("PATCH", "/api/subscribers/" + java.net.URLEncoder.encode((String) c[0],
                    java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"), (String) c[1]);
            assertThat(r.statusCode()).as(c[0] + " " + c[1]).isEqualTo(c[2]);
            JsonNode error = json(r);
            assertThat(error.get("error").asText()).as((String) c[1]).isNotBlank();
            assertThat(error.get("field").isNull() ? null : error.get("field").asText()).as(c[0] + " " + r.body())
                    .isEqualTo(c[3]);
        }
        assertThat(web.snapshot()).isEqualTo(before);
        assertThat(web.api("PATCH", "/api/subscribers/ada@example.org", "{\"topics\": []}", "Bearer wrong").statusCode())
                .isEqualTo(401);
        assertThat(web.subscriber("ada@example.org").preferences().topics()).containsExactly("robotics");
    }

    @Test
    void badInputIsA4xxJsonErrorNamingTheFieldAndStoresNothing() {
        web.add("taken@example.org", SubscriberStatus.ACTIVE);
        String before = web.snapshot();
        Object[][] cases = {
                {"{\"email\": \"not an address\"}", 400, "email"},
                {"{\"email\": \"ada@example.org\\r\\nBcc: x@example.org\"}", 400, "email"},
                {"{\"email\": \"" + "a".repeat(65) + "@example.org\"}", 400, "email"},
                {"{}", 400, "email"},
                {"{\"email\": 42}", 400, "email"},
                {"{\"email\": \"ada@example.org\", \"status\": \"bounced\"}", 400, "status"},
                {"{\"email\": \"ada@example.org\", \"topics\": \"robotics\"}", 400, "topics"},
                {"{\"email\": \"ada@example.org\", \"timezone\": \"Mars/Olympus_Mons\"}", 400, "timezone"},
                {"{\"email\": \"ada@example.org\", \"timezone\": \"+05:30\"}", 400, "timezone"},
                {"{\"email\": \"ada@example.org\", \"timezone\": 5}", 400, "timezone"},
                {"{\"email\": \"taken@example.org\"}", 409, "email"},
                {"{\"email\": ", 400, null},
                {"[1, 2]", 400, null},
        };
        for (Object[] c : cases) {
            HttpResponse<String> r = web.api("POST", "/api/subscribers", (String) c[0]);
            assertThat(r.statusCode()).as((String) c[0]).isEqualTo(c[1]);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
            JsonNode error = json(r);
            assertThat(error.get("error").asText()).as((String) c[0]).isNotBlank();
            assertThat(error.get("field").isNull() ? null : error.get("field").asText()).as((String) c[0]).isEqualTo(c[2]);
        }
        assertThat(web.api("GET", "/api/subscribers?status=nonsense", null).statusCode()).isEqualTo(400);
        assertThat(web.api("GET", "/api/subscribers?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(web.api("GET", "/api/editions/26-11-2026", null).statusCode()).isEqualTo(400);
        assertThat(web.api("GET", "/api/editions/2026-11-26", null).statusCode()).isEqualTo(404);
        assertThat(json(web.api("GET", "/api/nothing", null)).get("error").asText()).contains("no such endpoint");
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void bodiesOverTheLimitAre413() {
        String before = web.snapshot();
        HttpResponse<String> r = web.api("POST", "/api/subscribers",
                "{\"email\": \"ada@example.org\", \"source\": \"" + "x".repeat(1_100_000) + "\"}");

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).get("error").asText()).contains("larger than");
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void exportReturnsEverythingHeldAboutThePerson() {
        web.subscribe("ada@example.org");
        web.get(WebHarness.link(web.awaitMail("ada@example.org", 1), "confirm"));
        web.paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL, ProgressListener.NONE);

        HttpResponse<String> r = web.api("GET", "/api/subscribers/ada@example.org/export", null);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode s = json(r).get("subscriber");
        assertThat(s.get("email").asText()).isEqualTo("ada@example.org");
        assertThat(s.get("status").asText()).isEqualTo("active");
        assertThat(s.get("consent").get("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(s.get("consent").get("userAgent").asText()).startsWith("Java-http-client");
        assertThat(s.get("consent").get("source").asText()).isEqualTo("web form");
        assertThat(s.get("consent").get("confirmedAt").asText()).isEqualTo("2026-11-26T07:00:00Z");
        assertThat(s.get("consent").get("confirmedIp").asText()).isEqualTo("127.0.0.1");
        assertThat(s.get("preferences").get("frequency").asText()).isEqualTo("daily");
        assertThat(s.get("deliveries")).hasSize(1);
        assertThat(s.get("deliveries").get(0).get("edition").asText()).isEqualTo("2026-11-26");
        assertThat(s.get("deliveries").get(0).get("state").asText()).isEqualTo("sent");
        assertThat(web.api("GET", "/api/subscribers/nobody@example.org/export", null).statusCode()).isEqualTo(404);
    }

    @Test
    void eraseKeepsOnlyAHashBlocksImportAndAllowsANewWebSignUp() {
        long id = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();
        web.paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL, ProgressListener.NONE);

        HttpResponse<String> erased = web.api("DELETE", "/api/subscribers/ada@example.org", null);

        assertThat(erased.statusCode()).isEqualTo(200);
        assertThat(web.count("select count(*) from subscribers where lower(email) like '%ada%'")).isZero();
        assertThat(web.count("select count(*) from deliveries where subscriber_id = " + id)).isEqualTo(1);
        assertThat(web.count("select count(*) from subscribers where id = " + id
                + " and status = 'suppressed' and consent_at is null and email = 'erased-" + id + "@erased.invalid'"))
                .isEqualTo(1);
        assertThat(web.count("select count(*) from erased_subscribers where email_hash = '"
                + ErasedAddresses.hash(EmailAddress.parse("ada@example.org")) + "'")).isEqualTo(1);
        assertThat(web.api("GET", "/api/subscribers/ada@example.org/export", null).statusCode()).isEqualTo(404);
        HttpResponse<String> again = web.api("DELETE", "/api/subscribers/ada@example.org", null);
        assertThat(again.statusCode()).isEqualTo(404);
        // the handler's own answer, not the one for a route that does not exist
        assertThat(json(again).get("error").asText()).isEqualTo("no subscriber with this address");
        assertThat(json(again).get("field").asText()).isEqualTo("email");

        HttpResponse<String> reimport = web.api("POST", "/api/subscribers", "{\"email\": \"ADA@example.org\"}");
        assertThat(reimport.statusCode()).isEqualTo(409);
        assertThat(json(reimport).get("error").asText()).contains("was erased on request");

        web.subscribe("ada@example.org");
        web.get(WebHarness.link(web.awaitMail("ada@example.org", 2), "confirm"));
        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.ACTIVE);
        assertThat(web.count("select count(*) from erased_subscribers")).as("confirming lifts the block").isZero();
    }

    @Test
    void postEditionsReturnsAtOnceAndProgressIsReported() {
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.add("alan@example.org", SubscriberStatus.ACTIVE);

        HttpResponse<String> started = web.api("POST", "/api/editions", null);

        assertThat(started.statusCode()).isEqualTo(202);
        JsonNode edition = json(started);
        assertThat(edition.get("date").asText()).isEqualTo("2026-11-26");
        assertThat(edition.get("id").asLong()).isPositive();
        assertThat(edition.get("progressUrl").asText()).isEqualTo("/api/editions/2026-11-26");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                json(web.api("GET", "/api/editions/2026-11-26", null)).get("status").asText().equals("sent"));
        JsonNode progress = json(web.api("GET", "/api/editions/2026-11-26", null));
        assertThat(progress.get("deliveries").get("sent").asInt()).isEqualTo(2);
        assertThat(progress.get("deliveries").get("queued").asInt()).isZero();
        assertThat(progress.get("problems")).isEmpty();
        assertThat(json(web.api("GET", "/api/editions", null)).get("editions")).hasSize(1);
        assertThat(greenMail.getReceivedMessages()).hasSize(2);
    }

    @Test
    void papersCanBeAddedAndTheRankingRead() {
        HttpResponse<String> added = web.api("POST", "/api/papers", """
                [{"externalId": "2611.77777", "title": "A paper everyone reads", "upvotes": 100000,
                  "featuredAt": "2026-11-26T06:00:00Z", "pdfUrl": "https://arxiv.org/pdf/2611.77777",
                  "authors": ["Grace Hopper"]}]""");
        HttpResponse<String> bad = web.api("POST", "/api/papers", "[{\"title\": \"no id\"}, {}]");
        HttpResponse<String> badUrl = web.api("POST", "/api/papers",
                "{\"externalId\": \"x1\", \"title\": \"t\", \"pdfUrl\": \"javascript:alert(1)\"}");

        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(json(added).get("inserted").asInt()).isEqualTo(1);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("field").asText()).isEqualTo("papers[0].externalId");
        assertThat(badUrl.statusCode()).isEqualTo(400);
        assertThat(json(badUrl).get("field").asText()).isEqualTo("pdfUrl");
        JsonNode trending = json(web.api("GET", "/api/papers/trending?limit=3", null));
        assertThat(trending.get("papers")).hasSize(3);
        assertThat(trending.get("papers").get(0).get("paper").get("title").asText()).isEqualTo("A paper everyone reads");
    }
}
