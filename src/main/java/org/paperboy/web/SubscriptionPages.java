package org.paperboy.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.IntStream;
import org.paperboy.delivery.Edition;
import org.paperboy.delivery.EditionRepository;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Frequency;
import org.paperboy.subscriptions.InvalidEmailException;
import org.paperboy.subscriptions.LinkCheck;
import org.paperboy.subscriptions.LinkPurpose;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.TimeZones;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberLinks;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.subscriptions.SubscriptionService;
import org.paperboy.subscriptions.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pages a reader uses: subscribe, confirm, preferences, unsubscribe. A sign-up is answered
 * at once with the same page whatever the address's state; the lookup and the email happen
 * on a background thread, so neither the page nor its timing tells who is subscribed.
 */
final class SubscriptionPages {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionPages.class);
    private static final DateTimeFormatter LABEL_DATE = DateTimeFormatter.ofPattern("EEEE, d MMMM yyyy", Locale.ENGLISH);
    static final String CONSENT_SOURCE = "web form";

    private final SubscriptionService service;
    private final SubscriberLinks links;
    private final EditionRepository editions;
    private final Pages pages;
    private final RenderCache cache;
    private final RateLimits rateLimits;
    private final WebLimits limits;
    private final FormTokens formTokens;
    private final ExecutorService background;
    private final WebMetrics metrics;
    private final int defaultSize;
    private final ZoneId zone;
    private final Clock clock;
    private final TopicPreview topicPreview;

    SubscriptionPages(SubscriptionService service, SubscriberLinks links, EditionRepository editions, Pages pages,
                      RenderCache cache, RateLimits rateLimits, WebLimits limits, FormTokens formTokens, ExecutorService background,
                      WebMetrics metrics, int defaultSize, ZoneId zone, Clock clock, TopicPreview topicPreview) {
        this.topicPreview = topicPreview;
        this.service = service;
        this.links = links;
        this.editions = editions;
        this.pages = pages;
        this.cache = cache;
        this.rateLimits = rateLimits;
        this.limits = limits;
        this.formTokens = formTokens;
        this.background = background;
        this.metrics = metrics;
        this.defaultSize = defaultSize;
        this.zone = zone;
        this.clock = clock;
    }

    void register(RoutesConfig routes) {
        routes.get("/", this::home);
        routes.post("/subscribe", this::subscribe);
        routes.get("/confirm", this::confirm);
        routes.get("/unsubscribe", this::unsubscribePage);
        routes.post("/unsubscribe", this::unsubscribe);
        routes.get("/preferences", this::preferencesPage);
        routes.post("/preferences", this::savePreferences);
    }

    /** The empty form is the same for everyone: served from the cache, revalidated on every visit. */
    private void home(Context ctx) {
        cache.serve(ctx, "home", () -> new RenderCache.Page(pages.html("subscribe.html", formValues(null, "", "")),
                "text/html; charset=UTF-8", "no-cache"));
    }

    private void showForm(Context ctx, int status, String error, String email, String topics) {
        pages.render(ctx, status, "subscribe.html", formValues(error, email, topics));
    }

    private Map<String, Object> formValues(String error, String email, String topics) {
        List<Map<String, String>> recent = new ArrayList<>();
        for (Edition e : editions.list(7)) {
            if (e.status() != Edition.Status.FAILED) {
                recent.add(Map.of("url", pages.base() + "/editions/" + e.date(), "label", LABEL_DATE.format(e.date())));
            }
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("error", error);
        vars.put("email", email);
        vars.put("topics", topics);
        vars.put("editions", recent);
        return vars;
    }

    private void subscribe(Context ctx) {
        String ip = WebServer.clientIp(ctx);
        limit(ctx, "subscribe-ip", WebServer.clientKey(ctx), limits.subscribePerIp());
        Map<String, List<String>> form = RequestBodies.form(ctx, limits.formBodyBytes());
        String typed = value(form, "email");
        String topicsTyped = value(form, "topics");
        if (!value(form, "website").isEmpty()) {
            // the honeypot: only bots fill it in; they get the same page and nothing happens
            metrics.signUp("honeypot");
            checkInbox(ctx, typed);
            return;
        }
        EmailAddress email;
        List<String> topics;
        try {
            email = EmailAddress.parse(typed);
            topics = Topics.parse(topicsTyped);
        } catch (InvalidEmailException e) {
            metrics.signUp("invalid");
            showForm(ctx, 400, e.getMessage(), printable(typed), printable(topicsTyped));
            return;
        } catch (IllegalArgumentException e) {
            showForm(ctx, 400, e.getMessage(), printable(typed), printable(topicsTyped));
            return;
        }
        limit(ctx, "subscribe-address", email.key(), limits.subscribePerAddress());
        Subscriber.Consent consent = new Subscriber.Consent(clock.instant(), ip, ctx.userAgent(), CONSENT_SOURCE,
                null, null);
        try {
            background.execute(() -> {
                try {
                    metrics.signUp(service.requestSubscription(email, topics, consent).name().toLowerCase(Locale.ROOT));
                } catch (RuntimeException e) {
                    metrics.signUp("error");
                    log.error("event=signup_failed reason=\"{}\"", e.getMessage(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            metrics.signUp("dropped");
            log.warn("event=signup_dropped reason=\"sign-up queue full or shutting down\"");
        }
        checkInbox(ctx, email.value());
    }

    private void checkInbox(Context ctx, String email) {
        pages.render(ctx, 200, "check-inbox.html", Map.of("email", printable(email)));
    }

    private void confirm(Context ctx) {
        LinkCheck check = service.confirm(ctx.queryParam("token"), WebServer.clientIp(ctx));
        if (check instanceof LinkCheck.Superseded) {
            throw new Pages.Problem(409, "You have unsubscribed", "This confirmation link was sent before you"
                    + " unsubscribed, so it no longer subscribes you. To receive the digest again, sign up again on"
                    + " the start page: we will email you a new confirmation link.");
        }
        Subscriber subscriber = found(ctx, check, LinkPurpose.CONFIRM);
        pages.render(ctx, 200, "confirmed.html", Map.of("email", subscriber.email(),
                "preferencesUrl", links.preferencesUrl(subscriber.id())));
    }

    private void unsubscribePage(Context ctx) {
        String token = ctx.queryParam("token");
        Subscriber subscriber = found(ctx, service.check(token, LinkPurpose.UNSUBSCRIBE), LinkPurpose.UNSUBSCRIBE);
        pages.render(ctx, 200, "unsubscribe.html", Map.of("email", subscriber.email(),
                "action", pages.base() + "/unsubscribe?token=" + token,
                "preferencesUrl", links.preferencesUrl(subscriber.id())));
    }

    /**
     * RFC 8058 one-click and the page's button alike: the signed token is the only credential. A
     * valid one is never limited, so no flood from the same network can stop a person leaving;
     * a repeat changes nothing.
     */
    private void unsubscribe(Context ctx) {
        // the body (List-Unsubscribe=One-Click, or empty from the button) carries nothing we need
        RequestBodies.read(ctx, limits.formBodyBytes());
        Subscriber subscriber = found(ctx, service.check(ctx.queryParam("token"), LinkPurpose.UNSUBSCRIBE),
                LinkPurpose.UNSUBSCRIBE);
        service.unsubscribe(subscriber);
        pages.render(ctx, 200, "unsubscribed.html", Map.of("email", subscriber.email()));
    }

    private void preferencesPage(Context ctx) {
        String token = ctx.queryParam("token");
        Subscriber subscriber = found(ctx, service.check(token, LinkPurpose.PREFERENCES), LinkPurpose.PREFERENCES);
        showPreferences(ctx, 200, token, subscriber, PreferencesForm.of(subscriber.preferences()), Map.of(), false,
                subscriber.preferences().topics());
    }

    private void savePreferences(Context ctx) {
        String token = ctx.queryParam("token");
        Subscriber subscriber = found(ctx, service.check(token, LinkPurpose.PREFERENCES), LinkPurpose.PREFERENCES);
        limit(ctx, "preferences-subscriber", Long.toString(subscriber.id()), limits.preferencesPerSubscriber());
        Map<String, List<String>> fields = RequestBodies.form(ctx, limits.formBodyBytes());
        if (!formTokens.verify(RequestBodies.first(fields, "csrf"), subscriber.id())) {
            limit(ctx, "bad-links", WebServer.clientKey(ctx), limits.badLinksPerIp());
            throw new Pages.Problem(403, "This form is out of date",
                    "Nothing was saved. Open the preferences link from your email again and repeat your changes.");
        }
        PreferencesForm form = PreferencesForm.from(fields);
        Map<String, String> errors = new LinkedHashMap<>();
        Preferences preferences = form.validate(LocalDate.now(clock.withZone(zone)), errors);
        if ("preview".equals(RequestBodies.first(fields, "action"))) {
            // the papers the typed topics would pick, with nothing saved
            showPreferences(ctx, errors.containsKey("topics") ? 400 : 200, token, subscriber, form,
                    errors.containsKey("topics") ? Map.of("topics", errors.get("topics")) : Map.of(), false,
                    errors.containsKey("topics") ? List.of() : preferences != null ? preferences.topics()
                            : Topics.parse(form.topics()));
            return;
        }
        if (preferences == null) {
            showPreferences(ctx, 400, token, subscriber, form, errors, false, List.of());
            return;
        }
        Subscriber saved = service.savePreferences(subscriber, preferences);
        log.info("event=preferences_saved id={}", saved.id());
        showPreferences(ctx, 200, token, saved, PreferencesForm.of(saved.preferences()), Map.of(), true,
                saved.preferences().topics());
    }

    private void showPreferences(Context ctx, int status, String token, Subscriber subscriber, PreferencesForm form,
                                 Map<String, String> errors, boolean saved, List<String> previewTopics) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("previewTopics", String.join(", ", previewTopics));
        vars.put("picks", topicPreview.picks(previewTopics).stream()
                .map(r -> Map.of("title", r.paper().title(), "reason", r.reason())).toList());
        vars.put("email", subscriber.email());
        vars.put("status", subscriber.status().dbValue());
        vars.put("statusText", subscriber.status() == SubscriberStatus.PENDING ? "not confirmed yet"
                : subscriber.status().dbValue());
        vars.put("action", pages.base() + "/preferences?token=" + token);
        vars.put("csrf", formTokens.issue(subscriber.id()));
        vars.put("form", form);
        vars.put("errors", errors);
        vars.put("saved", saved);
        vars.put("summary", summary(subscriber.preferences()));
        vars.put("defaultSize", defaultSize + " papers");
        vars.put("sizes", IntStream.rangeClosed(Preferences.MIN_SIZE, Preferences.MAX_SIZE).boxed().toList());
        List<Map<String, String>> days = new ArrayList<>();
        for (DayOfWeek d : DayOfWeek.values()) {
            days.add(Map.of("value", d.name(), "label", d.getDisplayName(TextStyle.FULL, Locale.ENGLISH)));
        }
        vars.put("days", days);
        vars.put("zones", TimeZones.choices());
        vars.put("newsletterZone", zone.getId());
        vars.put("unsubscribeUrl", links.unsubscribeUrl(subscriber.id()));
        pages.render(ctx, status, "preferences.html", vars);
    }

    private Map<String, String> summary(Preferences p) {
        return Map.of(
                "papers", (p.digestSize() == null ? defaultSize + " (the default)" : p.digestSize().toString()),
                "frequency", p.frequency() == Frequency.DAILY ? "daily"
                        : "weekly, on " + p.weeklyDay().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + "s",
                "paused", p.pausedUntil() == null ? "not paused" : p.pausedUntil().toString(),
                "topics", p.topics().isEmpty() ? "none" : String.join(", ", p.topics()),
                "timezone", p.timezone() == null ? "the newsletter's (" + zone.getId() + ")" : p.timezone().getId());
    }

    /** The subscriber a valid link names; a link that fails is charged to the client's budget of failures. */
    private Subscriber found(Context ctx, LinkCheck check, LinkPurpose purpose) {
        if (check instanceof LinkCheck.Found found) {
            return found.subscriber();
        }
        limit(ctx, "bad-links", WebServer.clientKey(ctx), limits.badLinksPerIp());
        throw new LinkProblem(check instanceof LinkCheck.Expired, purpose);
    }

    private void limit(Context ctx, String bucket, String key, int max) {
        RateLimits.Verdict verdict = rateLimits.tryAcquire(bucket, key, max, limits.window());
        if (!verdict.allowed()) {
            metrics.rateLimited(bucket);
            throw new RateLimited(verdict.retryAfter());
        }
    }

    private static String value(Map<String, List<String>> form, String name) {
        String v = RequestBodies.first(form, name);
        return v == null ? "" : v;
    }

    /** Text typed back into a form: control characters dropped, length capped. */
    private static String printable(String s) {
        String clean = s == null ? "" : s.replaceAll("\\p{Cntrl}", "");
        return clean.length() > 320 ? clean.substring(0, 320) : clean;
    }

    /** A link that is expired or not valid: a 400 page with a way on. */
    static final class LinkProblem extends RuntimeException {
        final boolean expired;

        LinkProblem(boolean expired, LinkPurpose purpose) {
            super((expired ? "expired " : "invalid ") + purpose.name().toLowerCase(Locale.ROOT) + " link");
            this.expired = expired;
        }
    }

    /** Too many requests from one IP or for one address. */
    static final class RateLimited extends RuntimeException {
        final Duration retryAfter;

        RateLimited(Duration retryAfter) {
            super("rate limit reached");
            this.retryAfter = retryAfter;
        }
    }

    /** The preferences form as typed: strings, so a rejected form is shown back as it was. */
    public record PreferencesForm(String size, String frequency, String weeklyDay, String pausedUntil, String topics,
                                  String timezone) {

        static PreferencesForm of(Preferences p) {
            return new PreferencesForm(p.digestSize() == null ? "" : p.digestSize().toString(), p.frequency().dbValue(),
                    p.weeklyDay() == null ? DayOfWeek.MONDAY.name() : p.weeklyDay().name(),
                    p.pausedUntil() == null ? "" : p.pausedUntil().toString(), String.join(", ", p.topics()),
                    p.timezone() == null ? "" : p.timezone().getId());
        }

        static PreferencesForm from(Map<String, List<String>> fields) {
            return new PreferencesForm(printable(value(fields, "digest_size")).strip(),
                    printable(value(fields, "frequency")).strip(), printable(value(fields, "weekly_day")).strip(),
                    printable(value(fields, "paused_until")).strip(), printable(value(fields, "topics")),
                    printable(value(fields, "timezone")).strip());
        }

        /** The preferences, or null with {@code errors} filled in per field. */
        Preferences validate(LocalDate today, Map<String, String> errors) {
            Integer digestSize = null;
            if (!size.isEmpty()) {
                try {
                    digestSize = Integer.parseInt(size);
                } catch (NumberFormatException e) {
                    digestSize = -1;
                }
                if (digestSize < Preferences.MIN_SIZE || digestSize > Preferences.MAX_SIZE) {
                    errors.put("digest_size", "Choose between " + Preferences.MIN_SIZE + " and " + Preferences.MAX_SIZE
                            + " papers.");
                }
            }
            Frequency freq = switch (frequency) {
                case "daily", "" -> Frequency.DAILY;
                case "weekly" -> Frequency.WEEKLY;
                default -> {
                    errors.put("frequency", "Choose every day or once a week.");
                    yield null;
                }
            };
            DayOfWeek day = null;
            if (freq == Frequency.WEEKLY) {
                try {
                    day = DayOfWeek.valueOf(weeklyDay.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    errors.put("weekly_day", "Choose a day of the week.");
                }
            }
            LocalDate paused = null;
            if (!pausedUntil.isEmpty()) {
                try {
                    paused = LocalDate.parse(pausedUntil);
                    if (!paused.isAfter(today)) {
                        errors.put("paused_until", "Choose a date after today, or leave the field empty.");
                    } else if (paused.isAfter(today.plusYears(1))) {
                        errors.put("paused_until", "A pause can last at most a year.");
                    }
                } catch (DateTimeParseException e) {
                    errors.put("paused_until", "Enter a date such as " + today.plusDays(7) + ".");
                }
            }
            List<String> topicList = List.of();
            try {
                topicList = Topics.parse(topics);
            } catch (IllegalArgumentException e) {
                errors.put("topics", e.getMessage());
            }
            java.time.ZoneId zone = null;
            try {
                zone = TimeZones.parse(timezone);
            } catch (IllegalArgumentException e) {
                errors.put("timezone", "Choose a time zone from the list.");
            }
            return errors.isEmpty() ? new Preferences(digestSize, freq, day, paused, topicList, zone) : null;
        }
    }
}
