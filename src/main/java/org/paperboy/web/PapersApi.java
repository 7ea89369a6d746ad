package org.paperboy.web;

import static org.paperboy.web.ApiParams.intParam;
import static org.paperboy.web.ApiParams.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.paperboy.config.Settings;
import org.paperboy.papers.Paper;
import org.paperboy.papers.PaperRepository;
import org.paperboy.papers.RankedPaper;
import org.paperboy.papers.TrendingRanker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.paperboy.config.WebUrls;

/** {@code /api/papers}: the current ranking, and adding papers by hand. */
final class PapersApi {

    private static final Logger log = LoggerFactory.getLogger(PapersApi.class);

    private final AdminApi admin;
    private final PaperRepository papers;
    private final Settings.Ranking ranking;
    private final WebLimits limits;
    private final Clock clock;

    PapersApi(AdminApi admin, PaperRepository papers, Settings.Ranking ranking, WebLimits limits, Clock clock) {
        this.admin = admin;
        this.papers = papers;
        this.ranking = ranking;
        this.limits = limits;
        this.clock = clock;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/papers/trending", admin.admin(this::trending));
        routes.post("/api/papers", admin.admin(this::addPapers));
    }

    private void trending(Context ctx) {
        int limit = intParam(ctx, "limit", 10, 1, 100);
        TrendingRanker ranker = new TrendingRanker(ranking, clock);
        List<RankedPaper> ranked = ranker.rank(papers.trendingSince(ranker.windowStart()), limit);
        List<Map<String, Object>> out = new ArrayList<>();
        for (RankedPaper r : ranked) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("rank", r.rank());
            json.put("score", r.score());
            json.put("reason", r.reason());
            json.put("paper", paperJson(r.paper()));
            out.add(json);
        }
        Json.send(ctx, 200, Map.of("papers", out));
    }

    private void addPapers(Context ctx) {
        JsonNode body = Json.parse(RequestBodies.read(ctx, limits.apiBodyBytes()));
        List<Paper> parsed = new ArrayList<>();
        if (body.isArray()) {
            for (int i = 0; i < body.size(); i++) {
                parsed.add(PaperJson.parse(body.get(i), "papers[" + i + "]."));
            }
        } else if (body.isObject()) {
            parsed.add(PaperJson.parse(body, ""));
        } else {
            throw new ApiError(400, "the body must be a paper object or an array of them");
        }
        if (parsed.isEmpty()) {
            throw new ApiError(400, "the array holds no papers");
        }
        PaperRepository.UpsertCounts counts = papers.upsert(parsed);
        log.info("event=papers_added_by_api inserted={} updated={}", counts.inserted(), counts.updated());
        Json.send(ctx, 200, Map.of("inserted", counts.inserted(), "updated", counts.updated()));
    }

    static Map<String, Object> paperJson(Paper p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("externalId", p.externalId());
        json.put("title", p.title());
        json.put("authors", p.authors());
        json.put("summary", p.summary());
        json.put("pageUrl", p.pageUrl());
        json.put("pdfUrl", p.pdfUrl());
        json.put("codeUrl", p.codeUrl());
        json.put("publishedAt", p.publishedAt());
        json.put("featuredAt", p.featuredAt());
        json.put("upvotes", p.upvotes());
        json.put("githubStars", p.githubStars());
        json.put("source", p.source());
        json.put("sourceRank", p.sourceRank());
        return json;
    }

    /** Reads a paper from the API's JSON shape. */
    static final class PaperJson {
        private PaperJson() {
        }

        static Paper parse(JsonNode node, String path) {
            if (node == null || !node.isObject()) {
                throw new ApiError(400, "each paper must be a JSON object", path.isEmpty() ? null : path.substring(0, path.length() - 1));
            }
            String externalId = string(node, path, "externalId", 64, true);
            String title = string(node, path, "title", 1000, true);
            String summary = string(node, path, "summary", 20000, false);
            List<String> authors = new ArrayList<>();
            JsonNode a = node.get("authors");
            if (a != null && !a.isNull()) {
                if (!a.isArray()) {
                    throw new ApiError(400, "authors must be an array of names", path + "authors");
                }
                a.forEach(x -> authors.add(x.asText()));
            }
            String source = string(node, path, "source", 32, false);
            return new Paper(null, externalId, title, summary, null, authors, List.of(),
                    url(node, path, "pageUrl"), url(node, path, "pdfUrl"), url(node, path, "codeUrl"),
                    string(node, path, "category", 64, false), instant(node, path, "publishedAt"),
                    instant(node, path, "featuredAt"), count(node, path, "upvotes"), count(node, path, "githubStars"),
                    source == null ? "api" : source, node.hasNonNull("sourceRank") ? count(node, path, "sourceRank") : null,
                    null);
        }

        private static String string(JsonNode node, String path, String field, int max, boolean required) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
                if (required) {
                    throw new ApiError(400, field + " is required", path + field);
                }
                return null;
            }
            if (!v.isTextual()) {
                throw new ApiError(400, field + " must be a string", path + field);
            }
            if (v.asText().length() > max) {
                throw new ApiError(400, field + " can be at most " + max + " characters", path + field);
            }
            return v.asText().strip();
        }

        private static String url(JsonNode node, String path, String field) {
            String value = string(node, path, field, 1000, false);
            if (value == null) {
                return null;
            }
            try {
                URI uri = new URI(value);
                if (WebUrls.isWebUrl(uri)) {
                    return value;
                }
            } catch (java.net.URISyntaxException e) {
                // falls through to the error
            }
            throw new ApiError(400, field + " must be an http or https URL", path + field);
        }

        private static Instant instant(JsonNode node, String path, String field) {
            String value = string(node, path, field, 40, false);
            if (value == null) {
                return null;
            }
            try {
                return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                        : Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new ApiError(400, field + " must be a date (2026-11-26) or an instant (2026-11-26T07:00:00Z)",
                        path + field);
            }
        }

        private static int count(JsonNode node, String path, String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return 0;
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
                throw new ApiError(400, field + " must be a whole number of 0 or more", path + field);
            }
            return v.asInt();
        }
    }
}
