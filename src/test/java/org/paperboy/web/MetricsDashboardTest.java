package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.schedule.Scheduling;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/** {@code /metrics} of a server with its real scheduler, and the Grafana dashboard in ops/ built on it. */
class MetricsDashboardTest {

    static final Path DASHBOARD = Path.of("ops/grafana-dashboard.json");
    /** A metric name in PromQL is followed by its label matchers; functions by a parenthesis. */
    static final Pattern METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(WebHarness.START);
    Paperboy paperboy;
    Scheduling scheduling;
    WebServer server;

    @BeforeEach
    void start() {
        paperboy = Paperboy.open(TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort())
                .with("DIGEST_CRON", "0 59 23 * * ?").with("ADMIN_TOKEN", WebHarness.ADMIN_TOKEN).build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(10, clock.instant()));
        paperboy.subscribers().addIfAbsent(EmailAddress.parse("ada@example.org"), SubscriberStatus.ACTIVE,
                Subscriber.Consent.byOperator(clock.instant(), "test"));
        scheduling = paperboy.scheduling(() -> {
            throw new IllegalStateException("the paper source is down");
        });
        server = WebServer.start(paperboy, scheduling, 0);
        scheduling.start();
    }

    @AfterEach
    void stop() {
        server.close();
        scheduling.close();
        paperboy.close();
    }

    @Test
    void jobRunsDurationsAndFailuresArePerJob() throws Exception {
        scheduling.fireDigestAndWait(Duration.ofSeconds(60));
        scheduling.quartz().triggerJob(Scheduling.INGEST);
        await().atMost(Duration.ofSeconds(30)).until(() -> scrape().contains("paperboy_job_failures_total{job=\"ingest\"} 1.0"));

        String metrics = scrape();

        assertThat(metrics).contains(
                "paperboy_job_duration_seconds_count{job=\"digest\"} 1",
                "paperboy_job_failures_total{job=\"digest\"} 0.0",
                "paperboy_job_duration_seconds_count{job=\"ingest\"} 1",
                "paperboy_job_last_run_timestamp_seconds{job=\"digest\"} " + (double) clock.instant().getEpochSecond());
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        // one request through the render cache, so its counters have moved
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/")).build(),
                HttpResponse.BodyHandlers.discarding());
        Set<String> exported = new TreeSet<>();
        for (String line : scrape().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }
        List<String> queries = new ArrayList<>();
        collectQueries(new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(DASHBOARD)), queries);
        Set<String> used = new TreeSet<>();
        for (String query : queries) {
            Matcher m = METRIC.matcher(query);
            boolean any = false;
            while (m.find()) {
                used.add(m.group(1));
                any = true;
            }
            assertThat(any).as("a metric in: " + query).isTrue();
        }

        assertThat(queries).hasSizeGreaterThan(20);
        assertThat(used).contains("paperboy_job_last_run_timestamp_seconds", "hikaricp_connections_active",
                "jvm_memory_used_bytes", "process_cpu_usage", "cache_gets_total");
        assertThat(exported).containsAll(used);
        assertThat(exported).doesNotContain("paperboy_no_such_metric");
    }

    private static void collectQueries(JsonNode node, List<String> out) {
        if (node.isObject()) {
            if (node.has("expr")) {
                out.add(node.get("expr").asText());
            }
            node.elements().forEachRemaining(child -> collectQueries(child, out));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectQueries(child, out));
        }
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
