package org.paperboy.web;

import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.delivery.Edition;
import org.paperboy.schedule.JobMetrics;
import org.paperboy.schedule.Scheduling;
import org.paperboy.subscriptions.ConfirmationMailer;
import org.paperboy.subscriptions.ErasedAddresses;
import org.paperboy.subscriptions.PersonalData;
import org.paperboy.subscriptions.SubscriberLinks;
import org.paperboy.subscriptions.SubscriptionService;
import org.paperboy.templates.TemplateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web server of {@code serve}: the public pages, {@code /health}, {@code /metrics} and the
 * admin API, on Javalin. {@link #close()} stops accepting connections, lets requests in flight
 * finish, then waits for the sign-up emails and any edition it started.
 */
public final class WebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);

    static final long STOP_TIMEOUT_MILLIS = 10_000;
    private static final String CLIENT = "paperboy.client";
    /** Content-Security-Policy of every response: nothing from other hosts, no scripts at all. */
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** Editions whose rows the render cache watches: more than a feed's worth; older ones never change. */
    static final int RENDER_INPUT_EDITIONS = 400;

    private final Javalin app;
    private final ExecutorService signUps;
    private final ExecutorService editionRuns;
    private final Paperboy paperboy;

    private final WebMetrics metrics;

    private WebServer(Javalin app, ExecutorService signUps, ExecutorService editionRuns, Paperboy paperboy,
                      WebMetrics metrics) {
        this.metrics = metrics;
        this.app = app;
        this.signUps = signUps;
        this.editionRuns = editionRuns;
        this.paperboy = paperboy;
    }

    /**
     * Starts serving on {@code port} (0: any free port).
     *
     * @param scheduling the running scheduler, through which {@code POST /api/editions} fires the
     *                   digest job; null runs the edition on a background thread instead
     * @throws org.paperboy.config.ConfigException when {@code PAPERBOY_SECRET} is missing or short
     */
    public static WebServer start(Paperboy paperboy, Scheduling scheduling, int port) {
        return start(paperboy, scheduling, port, WebLimits.DEFAULT);
    }

    public static WebServer start(Paperboy paperboy, Scheduling scheduling, int port, WebLimits limits) {
        return start(paperboy, scheduling, port, limits, null);
    }

    /** As {@link #start(Paperboy, Scheduling, int, WebLimits)}, with {@code /inbox} showing {@code inbox} (the demo's). */
    public static WebServer start(Paperboy paperboy, Scheduling scheduling, int port, WebLimits limits, Inbox inbox) {
        Settings settings = paperboy.settings();
        Clock clock = paperboy.clock();
        SubscriberLinks links = paperboy.links(); // refuses to start without a usable secret
        ConfirmationMailer mailer = new ConfirmationMailer(paperboy.templates(), settings.mail(),
                settings.web().baseUrl().toString(), paperboy.transports(), settings.digest().timezone(), clock);
        SubscriptionService service = new SubscriptionService(paperboy.subscribers(),
                new ErasedAddresses(paperboy.database()), new PersonalData(paperboy.database(), clock),
                () -> links, mailer, clock);
        ExecutorService signUps = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000),
                daemonThreads("web-signup"));
        ExecutorService editionRuns = Executors.newSingleThreadExecutor(daemonThreads("web-edition"));
        Pages pages = new Pages(paperboy.templates(), settings);
        // what the cached pages are made of: the editions (the feed holds the latest 30) and the templates
        RenderCache renderCache = new RenderCache(() -> List.of(paperboy.editions().list(RENDER_INPUT_EDITIONS),
                paperboy.templates().fileStamps()), RenderCache.DEFAULT_MAX_BYTES, clock);
        RateLimits rateLimits = new RateLimits(clock, limits.trackedClients());
        ClientAddresses clients = new ClientAddresses(settings.web().trustedProxies());
        WebMetrics metrics = new WebMetrics(paperboy.database(), paperboy.subscribers(), paperboy.editions());
        CaffeineCacheMetrics.monitor(metrics.registry(), renderCache.cache(), "render");
        if (scheduling != null) {
            new JobMetrics(scheduling.quartz(), clock).bindTo(metrics.registry());
        }
        SubscriptionPages subscriptionPages = new SubscriptionPages(service, links, paperboy.editions(), pages,
                renderCache, rateLimits, limits, new FormTokens(settings.web().secret(), clock), signUps, metrics,
                settings.digest().size(), settings.digest().timezone(), clock,
                new TopicPreview(paperboy.papers(), settings.ranking(), settings.choosing(), clock));
        EditionPages editionPages = new EditionPages(paperboy.templates(), renderCache, paperboy.editions(),
                paperboy.composer(), paperboy.renderer(), pages, settings.mail().listName(), settings.digest().size());
        AdminApi admin = new AdminApi(settings.web().adminToken(), limits, clock);
        SubscribersApi subscribersApi = new SubscribersApi(admin, service, paperboy.subscribers(), limits, clock);
        PapersApi papersApi = new PapersApi(admin, paperboy.papers(), settings.ranking(), limits, clock);
        EditionsApi editionsApi = new EditionsApi(admin, paperboy.editions(), paperboy.ledger(), paperboy.sender(),
                scheduling, editionRuns, paperboy.selections());
        PreviewApi previewApi = new PreviewApi(admin, paperboy.preview());

        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            // a backstop only: each handler reads its body through RequestBodies with its own limit
            cfg.http.maxRequestSize = limits.apiBodyBytes();
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT_MILLIS);
                server.insertHandler(new GracefulHandler());
            });
            cfg.routes.before(ctx -> {
                ctx.attribute(CLIENT, clients.of(ctx.req().getRemoteAddr(),
                        java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For"))));
                ctx.header("Content-Security-Policy", CSP);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("X-Frame-Options", "DENY");
            });
            subscriptionPages.register(cfg.routes);
            editionPages.register(cfg.routes);
            subscribersApi.register(cfg.routes);
            papersApi.register(cfg.routes);
            editionsApi.register(cfg.routes);
            previewApi.register(cfg.routes);
            new OpenApiDocument().register(cfg.routes);
            if (inbox != null) {
                new InboxPages(inbox, pages).register(cfg.routes);
            }
            cfg.routes.get("/health", ctx -> health(ctx, paperboy, scheduling));
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .header("Cache-Control", "no-store").result(metrics.scrape()));

            cfg.routes.exception(SubscriptionPages.LinkProblem.class, (e, ctx) ->
                    pages.render(ctx, 400, "link-problem.html", Map.of("expired", e.expired)));
            cfg.routes.exception(SubscriptionPages.RateLimited.class, (e, ctx) -> {
                long seconds = Math.max(1, e.retryAfter.toSeconds());
                ctx.header("Retry-After", Long.toString(seconds));
                pages.error(ctx, 429, "Too many requests", "Too many requests came from your network or for this "
                        + "address. Please wait " + waitText(seconds) + " and try again.");
            });
            cfg.routes.exception(RequestBodies.TooLarge.class, (e, ctx) -> {
                if (isApi(ctx)) {
                    Json.error(ctx, 413, "the request body is larger than " + e.limit + " bytes", null);
                } else {
                    pages.error(ctx, 413, "Too much data", "The form sent more data than it should. "
                            + "Go back, shorten what you typed and send it again.");
                }
            });
            cfg.routes.exception(Pages.Problem.class, (e, ctx) -> pages.error(ctx, e.status, e.heading, e.getMessage()));
            cfg.routes.exception(ApiError.class, (e, ctx) -> Json.error(ctx, e.status, e.getMessage(), e.field));
            cfg.routes.exception(IllegalArgumentException.class, (e, ctx) -> {
                // a malformed form encoding (%zz): the request is wrong, not the server
                if (isApi(ctx)) {
                    Json.error(ctx, 400, "malformed request: " + e.getMessage(), null);
                } else {
                    pages.error(ctx, 400, "Bad request", "The form could not be read. Go back and send it again.");
                }
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("event=request_failed method={} path={} reason=\"{}\"", ctx.method(), ctx.path(),
                        e.getMessage(), e);
                if (isApi(ctx)) {
                    Json.error(ctx, 500, "internal error; see the server log", null);
                } else {
                    try {
                        pages.error(ctx, 500, "Something went wrong", "Please try again in a few minutes.");
                    } catch (TemplateException broken) {
                        ctx.status(500).contentType("text/plain; charset=utf-8").result("Something went wrong.");
                    }
                }
            });
            cfg.routes.error(404, ctx -> {
                // a 404 a handler answered itself ("no subscriber with this address") keeps its answer
                boolean unanswered = ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint ")
                        || ctx.result().equals("Not Found");
                if (!unanswered) {
                    return;
                }
                if (isApi(ctx)) {
                    Json.error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path(), null);
                } else {
                    pages.error(ctx, 404, "Page not found", "There is nothing at this address.");
                }
            });
        });
        String host = settings.web().host();
        if (host.isEmpty()) {
            app.start(port); // every interface, IPv4 and IPv6
        } else {
            app.start(host, port);
        }
        log.info("event=web_started host={} port={} base_url={} admin_api={}", host.isEmpty() ? "*" : host, app.port(),
                settings.web().baseUrl(), settings.web().adminToken().isEmpty() ? "disabled" : "enabled");
        return new WebServer(app, signUps, editionRuns, paperboy, metrics);
    }

    public int port() {
        return app.port();
    }

    /** Every route served, as "METHOD /path" with Javalin's {@code {param}} names: for the API's description test. */
    List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
    }

    /** Stops accepting, finishes requests in flight, then the queued sign-up emails and edition run. */
    @Override
    public void close() {
        app.stop();
        metrics.close();
        signUps.shutdown();
        editionRuns.shutdown();
        try {
            if (!signUps.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("event=web_stop_incomplete reason=\"sign-up emails still pending\"");
                signUps.shutdownNow();
            }
            if (!editionRuns.awaitTermination(1, TimeUnit.SECONDS)) {
                // the send stops after the messages in flight; unsent claims go back to the queue
                paperboy.sender().requestStop();
                editionRuns.awaitTermination(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("event=web_stopped");
    }

    private static void health(Context ctx, Paperboy paperboy, Scheduling scheduling) {
        boolean database = paperboy.database().isReachable();
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, Object> scheduler = new LinkedHashMap<>();
        boolean schedulerOk = true;
        if (scheduling == null) {
            scheduler.put("present", false);
        } else {
            schedulerOk = scheduling.isRunning();
            scheduler.put("present", true);
            scheduler.put("running", schedulerOk);
            scheduler.put("nextDigest", scheduling.nextDigest().map(Object::toString).orElse(null));
            if (database) {
                scheduler.put("nodes", scheduling.nodes().stream().map(n -> Map.of("id", n.id(),
                        "lastCheckIn", n.lastCheckIn().toString(), "checkInIntervalMillis", n.checkInInterval().toMillis()))
                        .toList());
            }
        }
        Object lastEdition = null;
        if (database) {
            List<Edition> latest = paperboy.editions().list(1);
            if (!latest.isEmpty()) {
                Edition e = latest.get(0);
                lastEdition = EditionsApi.editionJson(e, paperboy.ledger().progress(e));
            }
        }
        boolean ok = database && schedulerOk;
        body.put("status", ok ? "ok" : "degraded");
        body.put("node", paperboy.nodeId());
        body.put("database", Map.of("reachable", database));
        body.put("scheduler", scheduler);
        body.put("lastEdition", lastEdition);
        Json.send(ctx, ok ? 200 : 503, body);
    }

    /** The client's address: the socket's peer, or what trusted proxies say in X-Forwarded-For (see {@link ClientAddresses}). */
    static String clientIp(Context ctx) {
        String client = ctx.attribute(CLIENT);
        return client != null ? client : ctx.req().getRemoteAddr();
    }

    /** The key of the client's budgets: its address, or its /64 for IPv6 (see {@link ClientAddresses#budgetKey}). */
    static String clientKey(Context ctx) {
        return ClientAddresses.budgetKey(clientIp(ctx));
    }

    private static boolean isApi(Context ctx) {
        return ctx.path().startsWith("/api/") || ctx.path().equals("/api");
    }

    private static String waitText(long seconds) {
        return seconds < 120 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes";
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
