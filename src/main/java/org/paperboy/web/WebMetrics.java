package org.paperboy.web;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.paperboy.delivery.DeliveryLedger;
import org.paperboy.delivery.Edition;
import org.paperboy.delivery.EditionRepository;
import org.paperboy.delivery.NodeDeliveries;
import org.paperboy.store.Database;
import org.paperboy.subscriptions.SubscriberRepository;
import org.paperboy.subscriptions.SubscriberStatus;

/**
 * {@code GET /metrics} in the Prometheus text format. The list and ledger figures are read from
 * the database at scrape time, so they are right whichever process (serve, a CLI send) did the
 * work; the web's own events are counters of this process. Beside them: the JVM and process
 * (Micrometer's binders), the connection pool (HikariCP's tracker), the scheduler's jobs
 * ({@link org.paperboy.schedule.JobMetrics}) and the render cache ({@code cache_*{cache="render"}}).
 */
final class WebMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics jvmGc = new JvmGcMetrics();
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(Snapshot.EMPTY);
    private final Database database;
    private final SubscriberRepository subscribers;
    private final EditionRepository editions;
    private final MultiGauge sentByNode;

    private record Snapshot(Map<SubscriberStatus, Integer> subscribers, Map<DeliveryLedger.State, Integer> messages,
                            double lastEditionSeconds) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Double.NaN);
    }

    WebMetrics(Database database, SubscriberRepository subscribers, EditionRepository editions) {
        this.database = database;
        this.subscribers = subscribers;
        this.editions = editions;
        for (SubscriberStatus status : SubscriberStatus.values()) {
            Gauge.builder("paperboy.subscribers", snapshot, s -> s.get().subscribers().getOrDefault(status, 0))
                    .description("Subscribers by status").tag("status", status.dbValue()).register(registry);
        }
        for (DeliveryLedger.State state : DeliveryLedger.State.values()) {
            Gauge.builder("paperboy.messages", snapshot, s -> s.get().messages().getOrDefault(state, 0))
                    .description("Messages in the delivery ledger by state, over all editions")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        sentByNode = MultiGauge.builder("paperboy.messages.sent.by.node")
                .description("Messages sent, over all editions, by the node that sent them").register(registry);
        Gauge.builder("paperboy.last.edition.duration", snapshot, s -> s.get().lastEditionSeconds())
                .description("From start to end of the latest finished edition").baseUnit("seconds").register(registry);
        bindProcessMetrics();
        if (database.dataSource() instanceof HikariDataSource pool && pool.getMetricsTrackerFactory() == null) {
            // the pool's own figures: hikaricp_connections_active, _idle, _pending, _acquire_seconds, ...
            pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        }
    }

    /** What a Prometheus user expects of any JVM service: memory, GC, threads, classes, CPU, uptime, files. */
    private void bindProcessMetrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        jvmGc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    /** Stops listening for GC events. */
    void close() {
        jvmGc.close();
    }

    void signUp(String outcome) {
        Counter.builder("paperboy.web.signups").description("Sign-up requests by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    void rateLimited(String bucket) {
        Counter.builder("paperboy.web.rate.limited").description("Requests refused by a rate limit")
                .tag("limit", bucket).register(registry).increment();
    }

    String scrape() {
        snapshot.set(new Snapshot(subscribers.countByStatus(), messageTotals(), lastEditionSeconds()));
        sentByNode.register(NodeDeliveries.sentPerNode(database).entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("node", e.getKey()), e.getValue())).toList(), true);
        return registry.scrape();
    }

    private Map<DeliveryLedger.State, Integer> messageTotals() {
        return database.withConnection(connection -> {
            Map<DeliveryLedger.State, Integer> totals = new EnumMap<>(DeliveryLedger.State.class);
            try (PreparedStatement ps = connection.prepareStatement("select state, count(*) from deliveries group by state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    totals.put(DeliveryLedger.State.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)), rs.getInt(2));
                }
            }
            return totals;
        });
    }

    private double lastEditionSeconds() {
        List<Edition> recent = editions.list(10);
        for (Edition e : recent) {
            if (e.finishedAt() != null && e.startedAt() != null) {
                return Duration.between(e.startedAt(), e.finishedAt()).toMillis() / 1000.0;
            }
        }
        return Double.NaN;
    }
}
