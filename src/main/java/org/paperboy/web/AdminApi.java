package org.paperboy.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.paperboy.config.Settings;
import org.paperboy.delivery.DeliveryLedger;
import org.paperboy.delivery.DigestPreview;
import org.paperboy.delivery.Edition;
import org.paperboy.delivery.EditionRepository;
import org.paperboy.delivery.EditionSender;
import org.paperboy.delivery.NothingToSendException;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.papers.Paper;
import org.paperboy.papers.PaperRepository;
import org.paperboy.papers.RankedPaper;
import org.paperboy.papers.TrendingRanker;
import org.paperboy.schedule.Scheduling;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.InvalidEmailException;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberRepository;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.subscriptions.SubscriptionRefusedException;
import org.paperboy.subscriptions.SubscriptionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API of DESIGN §4: JSON, behind {@code Authorization: Bearer $PAPERBOY_ADMIN_TOKEN}.
 * An empty token disables it (every call is 401).
 */
final class AdminApi {

    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    static final int MAX_LIMIT = 1000;

    private final byte[] tokenDigest;
    private final SubscriptionService service;
    private final SubscriberRepository subscribers;
    private final PaperRepository papers;
    private final Settings.Ranking ranking;
    private final EditionRepository editions;
    private final DeliveryLedger ledger;
    private final EditionSender sender;
    private final Scheduling scheduling;
    private final ExecutorService background;
    private final WebLimits limits;
    private final Clock clock;
    private final AtomicBoolean sendRunning = new AtomicBoolean();
    private final DigestPreview preview;
    /** Wrong tokens per client: a client past its budget is answered 429 until the window ends. */
    private final RateLimits failures;

    AdminApi(String adminToken, SubscriptionService service, SubscriberRepository subscribers, PaperRepository papers,
             Settings.Ranking ranking, EditionRepository editions, DeliveryLedger ledger, EditionSender sender,
             Scheduling scheduling, ExecutorService background, WebLimits limits, Clock clock, DigestPreview preview) {
        this.tokenDigest = adminToken.isEmpty() ? null : sha256(adminToken);
        this.preview = preview;
        this.service = service;
        this.subscribers = subscribers;
        this.papers = papers;
        this.ranking = ranking;
        this.editions = editions;
        this.ledger = ledger;
        this.sender = sender;
        this.scheduling = scheduling;
        this.background = background;
        this.limits = limits;
        this.clock = clock;
        this.failures = new RateLimits(clock, limits.trackedClients());
    }

    void register(RoutesConfig routes) {
        routes.get("/api/subscribers", admin(this::listSubscribers));
        routes.post("/api/subscribers", admin(this::addSubscriber));
        routes.delete("/api/subscribers/{email}", admin(this::eraseSubscriber));
        routes.get("/api/subscribers/{email}/export", admin(this::exportSubscriber));
        routes.get("/api/papers/trending", admin(this::trending));
        routes.post("/api/papers", admin(this::addPapers));
        routes.get("/api/editions", admin(this::listEditions));
        routes.get("/api/editions/{date}", admin(this::showEdition));
        routes.post("/api/editions", admin(this::startEdition));
        routes.get("/preview", this::preview);
    }

    /**
     * Today's digest as a subscriber (or a sample reader) would get it, rendered from the templates
     * as they are now. Takes the admin token as a bearer token or, so that a browser can open it,
     * as the password of HTTP Basic authentication (any user name).
     */
    private void preview(Context ctx) {
        String presented = bearerToken(ctx);
        if (presented.isEmpty()) {
            presented = basicPassword(ctx);
        }
        if (!accepts(ctx, presented)) {
            ctx.header("WWW-Authenticate", "Basic realm=\"Paperboy preview\", charset=\"UTF-8\"");
            ctx.status(401).contentType("text/plain; charset=utf-8").result(tokenDigest == null
                    ? "The preview is disabled: set PAPERBOY_ADMIN_TOKEN to enable it."
                    : "Sign in with any user name and the admin token as the password.");
            return;
        }
        String who = ctx.queryParam("subscriber");
        String dateParam = ctx.queryParam("date");
        LocalDate date = dateParam == null || dateParam.isEmpty() ? null : EditionDates.parse(dateParam)
                .orElseThrow(() -> new ApiError(400, "date must look like 2026-11-26", "date"));
        org.paperboy.digest.RenderedDigest digest;
        try {
            digest = preview.render(date, who == null || who.isEmpty() ? null : EmailAddress.parse(who));
        } catch (org.paperboy.subscriptions.InvalidEmailException e) {
            throw new ApiError(400, e.getMessage(), "subscriber");
        } catch (IllegalArgumentException e) {
            throw new ApiError(404, e.getMessage(), "subscriber");
        } catch (org.paperboy.delivery.NothingToSendException e) {
            throw new ApiError(404, e.getMessage(), null);
        } catch (org.paperboy.templates.TemplateException e) {
            ctx.status(500).contentType("text/plain; charset=utf-8").result("The template does not render:\n" + e.getMessage());
            return;
        }
        ctx.header("Cache-Control", "no-store").header("X-Paperboy-Subject", java.net.URLEncoder.encode(digest.subject(),
                StandardCharsets.UTF_8));
        if ("text".equals(ctx.queryParam("format"))) {
            ctx.contentType("text/plain; charset=utf-8").result(digest.text());
        } else {
            ctx.contentType("text/html; charset=utf-8").result(digest.html());
        }
    }

    /**
     * Whether {@code presented} is the admin token. A wrong one is charged to the client; past its
     * budget the answer is 429. The right token is checked first and never refused, so guessing
     * from a shared address cannot lock the operator out (at 32 characters or more it is no use).
     */
    private boolean accepts(Context ctx, String presented) {
        if (tokenDigest == null || presented.isEmpty()) {
            return false;
        }
        // digests of equal length, compared in constant time: neither content nor length leaks
        if (MessageDigest.isEqual(tokenDigest, sha256(presented))) {
            return true;
        }
        RateLimits.Verdict verdict = failures.tryAcquire("admin-failures", WebServer.clientKey(ctx),
                limits.adminFailuresPerIp(), limits.window());
        if (!verdict.allowed()) {
            long seconds = Math.max(1, verdict.retryAfter().toSeconds());
            log.warn("event=admin_auth_throttled retry_after_s={}", seconds);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new ApiError(429, "too many wrong admin tokens from this address; try again in " + seconds + " s");
        }
        return false;
    }

    private static String bearerToken(Context ctx) {
        String header = ctx.header("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
    }

    private static String basicPassword(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "";
        }
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(header.substring(6).strip()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? "" : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private Handler admin(Handler handler) {
        return ctx -> {
            if (tokenDigest == null) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiError(401, "the admin API is disabled: set PAPERBOY_ADMIN_TOKEN to enable it");
            }
            String header = ctx.header("Authorization");
            if (!accepts(ctx, bearerToken(ctx))) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiError(401, header == null ? "missing Authorization: Bearer token" : "wrong admin token");
            }
            handler.handle(ctx);
        };
    }

    // ---- subscribers

    private void listSubscribers(Context ctx) {
        String statusParam = ctx.queryParam("status");
        SubscriberStatus status = null;
        if (statusParam != null && !statusParam.isEmpty()) {
            try {
                status = SubscriberStatus.parse(statusParam);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, e.getMessage(), "status");
            }
        }
        int limit = intParam(ctx, "limit", 100, 1, MAX_LIMIT);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        List<Subscriber> all = subscribers.list(status);
        List<Map<String, Object>> page = all.stream().skip(offset).limit(limit).map(AdminApi::subscriberJson).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", all.size());
        body.put("offset", offset);
        body.put("subscribers", page);
        Json.send(ctx, 200, body);
    }

    private void addSubscriber(Context ctx) {
        JsonNode body = Json.parse(RequestBodies.read(ctx, limits.apiBodyBytes()));
        if (!body.isObject()) {
            throw new ApiError(400, "the body must be a JSON object such as {\"email\": \"ada@example.org\"}");
        }
        EmailAddress email = email(text(body, "email", true));
        String statusText = text(body, "status", false);
        SubscriberStatus status = statusText == null ? SubscriberStatus.ACTIVE : switch (statusText) {
            case "active" -> SubscriberStatus.ACTIVE;
            case "pending" -> SubscriberStatus.PENDING;
            default -> throw new ApiError(400, "status must be active or pending (pending sends a confirmation email)",
                    "status");
        };
        List<String> topics = new ArrayList<>();
        JsonNode topicsNode = body.get("topics");
        if (topicsNode != null && !topicsNode.isNull()) {
            if (!topicsNode.isArray()) {
                throw new ApiError(400, "topics must be an array of strings", "topics");
            }
            topicsNode.forEach(t -> topics.add(t.asText()));
        }
        List<String> parsedTopics;
        try {
            parsedTopics = Topics.parse(String.join(",", topics));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage(), "topics");
        }
        String source = text(body, "source", false);
        if (source != null && source.length() > 64) {
            throw new ApiError(400, "source can be at most 64 characters", "source");
        }
        Instant now = clock.instant();
        Subscriber.Consent consent = new Subscriber.Consent(now, null, null, source == null ? "api" : source,
                status == SubscriberStatus.ACTIVE ? now : null, null);
        try {
            Subscriber added = service.addByOperator(email, status, parsedTopics, consent);
            log.info("event=subscriber_added_by_api id={} status={}", added.id(), status.dbValue());
            Json.send(ctx, 201, subscriberJson(added));
        } catch (SubscriptionRefusedException e) {
            throw new ApiError(409, e.getMessage(), "email");
        }
    }

    private void eraseSubscriber(Context ctx) {
        EmailAddress email = email(ctx.pathParam("email"));
        if (!service.erase(email)) {
            throw new ApiError(404, "no subscriber with this address", "email");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("erased", true);
        body.put("email", email.value());
        Json.send(ctx, 200, body);
    }

    private void exportSubscriber(Context ctx) {
        EmailAddress email = email(ctx.pathParam("email"));
        Map<String, Object> data = service.export(email)
                .orElseThrow(() -> new ApiError(404, "no subscriber with this address", "email"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("exportedAt", clock.instant().toString());
        body.put("subscriber", data);
        ctx.header("Content-Disposition", "attachment; filename=\"paperboy-export.json\"");
        Json.send(ctx, 200, body);
    }

    static Map<String, Object> subscriberJson(Subscriber s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", s.id());
        json.put("email", s.email());
        json.put("status", s.status().dbValue());
        Preferences p = s.preferences();
        Map<String, Object> prefs = new LinkedHashMap<>();
        prefs.put("digestSize", p.digestSize());
        prefs.put("frequency", p.frequency().dbValue());
        prefs.put("weeklyDay", p.weeklyDay() == null ? null : p.weeklyDay().name().toLowerCase(Locale.ROOT));
        prefs.put("pausedUntil", p.pausedUntil() == null ? null : p.pausedUntil().toString());
        prefs.put("topics", p.topics());
        json.put("preferences", prefs);
        json.put("createdAt", text(s.createdAt()));
        json.put("confirmedAt", text(s.consent().confirmedAt()));
        json.put("consentSource", s.consent().source());
        json.put("unsubscribedAt", text(s.unsubscribedAt()));
        return json;
    }

    // ---- papers

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
        json.put("publishedAt", text(p.publishedAt()));
        json.put("featuredAt", text(p.featuredAt()));
        json.put("upvotes", p.upvotes());
        json.put("githubStars", p.githubStars());
        json.put("source", p.source());
        json.put("sourceRank", p.sourceRank());
        return json;
    }

    // ---- editions

    private void listEditions(Context ctx) {
        int limit = intParam(ctx, "limit", 30, 1, 365);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Edition e : editions.list(limit)) {
            out.add(editionJson(e, ledger.progress(e)));
        }
        Json.send(ctx, 200, Map.of("editions", out));
    }

    private void showEdition(Context ctx) {
        LocalDate date = date(ctx.pathParam("date"));
        Edition edition = editions.find(date).orElseThrow(() -> new ApiError(404, "no edition for " + date, "date"));
        Map<String, Object> json = editionJson(edition, ledger.progress(edition));
        List<Map<String, Object>> problems = new ArrayList<>();
        for (DeliveryLedger.Problem p : ledger.problems(edition.id(), 100)) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("email", p.email());
            problem.put("state", p.state().name().toLowerCase(Locale.ROOT));
            problem.put("attempts", p.attempts());
            problem.put("lastReply", p.lastReply());
            problem.put("nextAttemptAt", text(p.nextAttemptAt()));
            problems.add(problem);
        }
        json.put("problems", problems);
        Json.send(ctx, 200, json);
    }

    /** Starts today's edition and answers at once; progress is at {@code GET /api/editions/{date}}. */
    private void startEdition(Context ctx) {
        LocalDate date = sender.today();
        Edition edition;
        try {
            // created now from the current ranking, so the answer can carry its id
            edition = sender.edition(date);
        } catch (NothingToSendException e) {
            throw new ApiError(409, e.getMessage());
        }
        String via;
        if (scheduling != null) {
            scheduling.fireDigestNow();
            via = "scheduler";
        } else {
            via = "background";
            if (sendRunning.compareAndSet(false, true)) {
                try {
                    background.execute(() -> {
                        try {
                            sender.send(date, SendMode.MANUAL, ProgressListener.NONE);
                        } catch (RuntimeException e) {
                            log.error("event=api_edition_failed date={} reason=\"{}\"", date, e.getMessage(), e);
                        } finally {
                            sendRunning.set(false);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    sendRunning.set(false);
                    throw new ApiError(503, "the server is shutting down");
                }
            }
        }
        log.info("event=edition_requested_by_api date={} edition={} via={}", date, edition.id(), via);
        Map<String, Object> json = editionJson(edition, ledger.progress(edition));
        json.put("progressUrl", "/api/editions/" + date);
        Json.send(ctx, 202, json);
    }

    static Map<String, Object> editionJson(Edition e, Map<DeliveryLedger.State, Integer> progress) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", e.id());
        json.put("date", e.date().toString());
        json.put("status", e.status().name().toLowerCase(Locale.ROOT));
        json.put("createdAt", text(e.createdAt()));
        json.put("startedAt", text(e.startedAt()));
        json.put("finishedAt", text(e.finishedAt()));
        json.put("lastError", e.lastError());
        Map<String, Integer> counts = new LinkedHashMap<>();
        progress.forEach((state, n) -> counts.put(state.name().toLowerCase(Locale.ROOT), n));
        json.put("deliveries", counts);
        return json;
    }

    // ---- helpers

    private static EmailAddress email(String value) {
        try {
            return EmailAddress.parse(value);
        } catch (InvalidEmailException e) {
            throw new ApiError(400, e.getMessage(), "email");
        }
    }

    private static LocalDate date(String value) {
        return EditionDates.parse(value).orElseThrow(() -> new ApiError(400, "the date must look like 2026-11-26", "date"));
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new ApiError(400, field + " is required", field);
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new ApiError(400, field + " must be a string", field);
        }
        return node.asText();
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiError(400, name + " must be a whole number from " + min + " to " + max, name);
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
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
                if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
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
