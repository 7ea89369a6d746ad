package org.paperboy.web;

import static org.paperboy.web.ApiParams.email;
import static org.paperboy.web.ApiParams.intParam;
import static org.paperboy.web.ApiParams.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberRepository;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.subscriptions.SubscriptionRefusedException;
import org.paperboy.subscriptions.SubscriptionService;
import org.paperboy.subscriptions.TimeZones;
import org.paperboy.subscriptions.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/subscribers}: list, add, erase and export subscribers. */
final class SubscribersApi {

    private static final Logger log = LoggerFactory.getLogger(SubscribersApi.class);
    static final int MAX_LIMIT = 1000;

    /** What {@code PATCH /api/subscribers/{email}} may change. */
    private static final Set<String> CHANGEABLE = Set.of("topics", "timezone");

    private final AdminApi admin;
    private final SubscriptionService service;
    private final SubscriberRepository subscribers;
    private final WebLimits limits;
    private final Clock clock;

    SubscribersApi(AdminApi admin, SubscriptionService service, SubscriberRepository subscribers, WebLimits limits, Clock clock) {
        this.admin = admin;
        this.service = service;
        this.subscribers = subscribers;
        this.limits = limits;
        this.clock = clock;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/subscribers", admin.admin(this::listSubscribers));
        routes.post("/api/subscribers", admin.admin(this::addSubscriber));
        routes.patch("/api/subscribers/{email}", admin.admin(this::changePreferences));
        routes.delete("/api/subscribers/{email}", admin.admin(this::eraseSubscriber));
        routes.get("/api/subscribers/{email}/export", admin.admin(this::exportSubscriber));
    }

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
        List<Map<String, Object>> page = all.stream().skip(offset).limit(limit).map(SubscribersApi::subscriberJson).toList();
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
        Preferences preferences = Preferences.DEFAULT.withTopics(topics(body)).withTimezone(timezone(body));
        String source = text(body, "source", false);
        if (source != null && source.length() > 64) {
            throw new ApiError(400, "source can be at most 64 characters", "source");
        }
        Instant now = clock.instant();
        Subscriber.Consent consent = new Subscriber.Consent(now, null, null, source == null ? "api" : source,
                status == SubscriberStatus.ACTIVE ? now : null, null);
        try {
            Subscriber added = service.addByOperator(email, status, preferences, consent);
            log.info("event=subscriber_added_by_api id={} status={}", added.id(), status.dbValue());
            Json.send(ctx, 201, subscriberJson(added));
        } catch (SubscriptionRefusedException e) {
            throw new ApiError(409, e.getMessage(), "email");
        }
    }

    /**
     * Changes a subscriber's topics and time zone; a field left out keeps its value, {@code "topics": []}
     * clears the topics, {@code "timezone": null} returns to the newsletter's zone. Anything else in
     * the body is refused, so that a typo never passes for a change.
     */
    private void changePreferences(Context ctx) {
        EmailAddress email = email(ctx.pathParam("email"));
        JsonNode body = Json.parse(RequestBodies.read(ctx, limits.apiBodyBytes()));
        if (!body.isObject() || body.isEmpty()) {
            throw new ApiError(400, "the body must be a JSON object with topics and/or timezone, such as "
                    + "{\"topics\": [\"robot manipulation\"], \"timezone\": \"Asia/Tokyo\"}");
        }
        body.fieldNames().forEachRemaining(field -> {
            if (!CHANGEABLE.contains(field)) {
                throw new ApiError(400, "only topics and timezone can be changed here (" + field + " cannot)", field);
            }
        });
        Subscriber subscriber = subscribers.findByEmail(email)
                .orElseThrow(() -> new ApiError(404, "no subscriber with this address", "email"));
        Preferences preferences = subscriber.preferences();
        if (body.has("topics")) {
            preferences = preferences.withTopics(topics(body));
        }
        if (body.has("timezone")) {
            preferences = preferences.withTimezone(timezone(body));
        }
        Subscriber changed = service.savePreferences(subscriber, preferences);
        log.info("event=preferences_changed_by_api id={}", changed.id());
        Json.send(ctx, 200, subscriberJson(changed));
    }

    /** The body's {@code topics}, an array of strings (absent or null: none), checked as the preferences page checks them. */
    private static List<String> topics(JsonNode body) {
        List<String> topics = new ArrayList<>();
        JsonNode topicsNode = body.get("topics");
        if (topicsNode != null && !topicsNode.isNull()) {
            if (!topicsNode.isArray()) {
                throw new ApiError(400, "topics must be an array of strings", "topics");
            }
            for (JsonNode topic : topicsNode) {
                if (!topic.isTextual()) {
                    throw new ApiError(400, "topics must be an array of strings", "topics");
                }
                topics.add(topic.asText());
            }
        }
        try {
            return Topics.parse(String.join(",", topics));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage(), "topics");
        }
    }

    /** The body's {@code timezone}, an IANA name; absent or null: the newsletter's. */
    private static ZoneId timezone(JsonNode body) {
        try {
            return TimeZones.parse(text(body, "timezone", false));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage(), "timezone");
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
        prefs.put("timezone", p.timezone() == null ? null : p.timezone().getId());
        json.put("preferences", prefs);
        json.put("createdAt", s.createdAt());
        json.put("confirmedAt", s.consent().confirmedAt());
        json.put("consentSource", s.consent().source());
        json.put("unsubscribedAt", s.unsubscribedAt());
        return json;
    }
}
