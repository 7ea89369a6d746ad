package org.paperboy.web;

import static org.paperboy.web.ApiParams.date;
import static org.paperboy.web.ApiParams.intParam;
import static org.paperboy.web.ApiParams.text;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.paperboy.delivery.DeliveryLedger;
import org.paperboy.delivery.Edition;
import org.paperboy.delivery.EditionRepository;
import org.paperboy.delivery.EditionSender;
import org.paperboy.delivery.NothingToSendException;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SelectionRepository;
import org.paperboy.delivery.SendMode;
import org.paperboy.schedule.Scheduling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/editions}: what was sent and how far it got, and starting today's edition now. */
final class EditionsApi {

    private static final Logger log = LoggerFactory.getLogger(EditionsApi.class);

    private final AdminApi admin;
    private final EditionRepository editions;
    private final DeliveryLedger ledger;
    private final EditionSender sender;
    private final Scheduling scheduling;
    private final ExecutorService background;
    private final AtomicBoolean sendRunning = new AtomicBoolean();

    /**
     * @param scheduling the running scheduler, through which a start fires the digest job; null runs
     *                   the edition on {@code background} instead
     */
    private final SelectionRepository selections;

    EditionsApi(AdminApi admin, EditionRepository editions, DeliveryLedger ledger, EditionSender sender,
                Scheduling scheduling, ExecutorService background, SelectionRepository selections) {
        this.admin = admin;
        this.selections = selections;
        this.editions = editions;
        this.ledger = ledger;
        this.sender = sender;
        this.scheduling = scheduling;
        this.background = background;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/editions", admin.admin(this::listEditions));
        routes.get("/api/editions/{date}", admin.admin(this::showEdition));
        routes.post("/api/editions", admin.admin(this::startEdition));
    }

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
        json.put("nodes", ledger.byNode(edition.id())); // {node: {sent, claimed}}: who sends it in a cluster
        List<Map<String, Object>> problems = new ArrayList<>();
        for (DeliveryLedger.Problem p : ledger.problems(edition.id(), 100)) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("email", p.email());
            problem.put("state", p.state().name().toLowerCase(Locale.ROOT));
            problem.put("attempts", p.attempts());
            problem.put("lastReply", p.lastReply());
            problem.put("nextAttemptAt", p.nextAttemptAt());
            problems.add(problem);
        }
        json.put("problems", problems);
        json.put("skipped", selections.skipReasons(edition.id()));
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
        json.put("createdAt", e.createdAt());
        json.put("startedAt", e.startedAt());
        json.put("finishedAt", e.finishedAt());
        json.put("lastError", e.lastError());
        Map<String, Integer> counts = new LinkedHashMap<>();
        progress.forEach((state, n) -> counts.put(state.name().toLowerCase(Locale.ROOT), n));
        json.put("deliveries", counts);
        return json;
    }
}
