package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.PostgresDatabase;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.ServeNode;
import org.paperboy.testing.TestSettings;

/**
 * Several {@code serve} nodes, each its own JVM, on one fresh PostgreSQL database and one SMTP
 * server that records every message: the digest fires once in the cluster, every node sends,
 * and a node that dies or is stopped leaves nobody out and nobody served twice beyond the
 * messages it had in flight.
 */
class ClusterTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final int READERS = 400;
    static final int CONNECTIONS = 2;
    static final String ADMIN_TOKEN = "0123456789abcdef".repeat(4);
    static final String NEVER = "0 0 0 1 1 ? 2099";
    static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    PostgresDatabase postgres;
    final List<ServeNode> nodes = new ArrayList<>();

    @BeforeEach
    void database() throws SQLException {
        postgres = new PostgresDatabase();
    }

    @AfterEach
    void stop() throws Exception {
        for (ServeNode node : nodes) {
            node.close();
        }
        postgres.close();
    }

    @Test
    void twoNodesStartedAtOnceOnAnEmptyDatabaseMigrateItOnceAndFireAMissedDigestOnce() throws Exception {
        // the day's digest time (midnight) has passed; the database has not even a table
        ServeNode a = start("a", settings("0 0 0 * * ?"));
        ServeNode b = start("b", settings("0 0 0 * * ?"));
        a.awaitRunning(START);
        b.awaitRunning(START);

        awaitTrue(() -> a.linesWith("job=digest") + b.linesWith("job=digest") >= 1, Duration.ofSeconds(30));
        Thread.sleep(3000); // time for a second catch-up, were there one
        assertThat(a.linesWith("event=job_started job=digest") + b.linesWith("event=job_started job=digest"))
                .as("digest runs in the cluster").isEqualTo(1);
        assertThat(count("select count(*) from digest_catch_ups")).isEqualTo(1);
        assertThat(count("select count(*) from flyway_schema_history where success")).isEqualTo(
                count("select count(distinct version) from flyway_schema_history"));
        assertThat(a.get("/health").statusCode()).isEqualTo(200);
        assertThat(b.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void theMissedDigestFiresOnceAndBothNodesSendTheEditionWhichStaysSent() throws Exception {
        List<String> readers = seed();
        ServeNode a = start("a", settings("0 0 0 * * ?"));
        ServeNode b = start("b", settings("0 0 0 * * ?"));
        a.awaitRunning(START);
        b.awaitRunning(START);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<String> statuses = watchStatus(today);

        awaitTrue(() -> "sent".equals(status(today)), Duration.ofSeconds(120));
        // the same digest job fired again (another node's start, an operator) leaves it sent and sends nothing
        assertThat(b.api("POST", "/api/editions").statusCode()).isEqualTo(202);
        Thread.sleep(3000);

        assertThat(a.linesWith("event=job_started job=digest") + b.linesWith("event=job_started job=digest"))
                .as("digest runs: the catch-up once, the one fired through the API").isEqualTo(2);
        assertEveryoneOnce(readers);
        assertThat(statuses.subList(statuses.indexOf("sent"), statuses.size())).containsOnly("sent");
        JsonNode perNode = new ObjectMapper().readTree(a.api("GET", "/api/editions/" + today).body()).get("nodes");
        assertThat(perNode.size()).as("nodes that sent: %s", perNode).isEqualTo(2);
        perNode.forEach(node -> assertThat(node.get("sent").asInt()).as("%s", perNode).isPositive());
        JsonNode health = new ObjectMapper().readTree(a.get("/health").body());
        assertThat(health.get("node").asText()).endsWith("-" + a.pid());
        assertThat(health.get("scheduler").get("nodes")).hasSize(2);
        assertThat(a.get("/metrics").body()).contains("paperboy_messages_sent_by_node{node=\"" + health.get("node").asText());
    }

    @Test
    void aNodeKilledMidEditionLeavesNobodyOutAndRepeatsAtMostItsMessagesInFlight() throws Exception {
        List<String> readers = seed();
        ServeNode a = start("a", settings(NEVER)).awaitRunning(START);
        ServeNode b = start("b", settings(NEVER)).awaitRunning(START);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);

        assertThat(a.api("POST", "/api/editions").statusCode()).isEqualTo(202);
        awaitTrue(() -> sentBy(a) > 20 && sentBy(b) > 20, Duration.ofSeconds(60));
        a.kill();

        awaitTrue(() -> "sent".equals(status(today)), Duration.ofSeconds(120));
        Map<String, Long> received = received();
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(readers);
        long duplicates = received.values().stream().mapToLong(n -> n - 1).sum();
        assertThat(duplicates).as("at most one message in flight per connection of the killed node")
                .isLessThanOrEqualTo(CONNECTIONS);
    }

    @Test
    void aNodeThatStartsMidEditionJoinsItAndANodeStoppedWithSigtermGivesItsClaimsBackAtOnce() throws Exception {
        List<String> readers = seed();
        // slow enough that the edition is still going out when the second JVM is up, on a busy machine too
        Map<String, String> slow = settings(NEVER);
        slow.put("SEND_RATE", "8");
        ServeNode a = start("a", slow).awaitRunning(START);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(a.api("POST", "/api/editions").statusCode()).isEqualTo(202);
        awaitTrue(() -> sentBy(a) > 20, Duration.ofSeconds(60));

        ServeNode b = start("b", settings(NEVER)).awaitRunning(START);
        awaitTrue(() -> sentBy(b) > 20, Duration.ofSeconds(60));
        assertThat(status(today)).isEqualTo("sending");
        assertThat(a.terminate()).as("exit status after SIGTERM (the JVM reports the signal)").isIn(0, 143);
        // before any claim timeout could pass: the stopped node holds nothing
        assertThat(count("select count(*) from deliveries where state = 'sending' and claimed_by like '%-"
                + a.pid() + "/%'")).as("rows still claimed by the stopped node").isZero();

        awaitTrue(() -> "sent".equals(status(today)), Duration.ofSeconds(120));
        Map<String, Long> received = received();
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(readers);
        assertThat(received.values()).as("nobody twice").containsOnly(1L);
    }

    // ---- helpers

    private Map<String, String> settings(String digestCron) {
        Map<String, String> settings = new HashMap<>(TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort())
                .with("DB_URL", postgres.url()).with("DB_USER", PostgresDatabase.USER).with("DB_PASSWORD", "")
                .with("SEND_CONNECTIONS", Integer.toString(CONNECTIONS))
                .with("SEND_RATE", "25")
                .with("CLAIM_TIMEOUT", "2s")
                .with("RETRY_CRON", "* * * * * ?")
                .with("DIGEST_CRON", digestCron)
                // the readers' morning at midnight: today's edition is due to everyone whatever the hour the
                // test runs at (with 07:00, nobody was due between midnight and 07:00 UTC)
                .with("DELIVERY_TIME", "00:00")
                .with("SOURCES", "")
                .with("ADMIN_TOKEN", ADMIN_TOKEN)
                .with("LOG_LEVEL", "info")
                .asMap());
        return settings;
    }

    private ServeNode start(String name, Map<String, String> settings) throws Exception {
        ServeNode node = ServeNode.start(dir, name, settings);
        nodes.add(node);
        return node;
    }

    private List<String> seed() {
        try (Paperboy paperboy = Paperboy.open(TestSettings.in(dir).with("DB_URL", postgres.url())
                .with("DB_USER", PostgresDatabase.USER).with("DB_PASSWORD", "").build(), Clock.systemUTC())) {
            paperboy.papers().upsert(SamplePapers.ranked(8, Instant.now()));
            List<String> emails = new ArrayList<>();
            for (int i = 1; i <= READERS; i++) {
                String email = String.format("reader%04d@example.org", i);
                paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                        Subscriber.Consent.byOperator(Instant.now(), "test"));
                emails.add(email);
            }
            return emails;
        }
    }

    /** The rows a node sent so far, from the ledger (its sender ids start with its node id, host-pid). */
    private long sentBy(ServeNode node) throws SQLException {
        return count("select count(*) from deliveries d where d.claimed_by like '%-" + node.pid() + "/%' and (d.state = 'sent'"
                + " or exists (select 1 from delivery_sent m where m.delivery_id = d.id))");
    }

    private String status(LocalDate date) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.url(), PostgresDatabase.USER, "");
             PreparedStatement ps = connection.prepareStatement("select status from editions where edition_date = ?")) {
            ps.setObject(1, date);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            return null; // not migrated yet
        }
    }

    /** Every status the edition shows, read every 50 ms on a thread of its own until the test ends. */
    private List<String> watchStatus(LocalDate date) {
        List<String> seen = new CopyOnWriteArrayList<>();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted() && nodes.stream().anyMatch(ServeNode::isAlive)) {
                try {
                    String status = status(date);
                    if (status != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status))) {
                        seen.add(status);
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (SQLException e) {
                    // the next read tells
                }
            }
        }, "edition-status");
        watcher.setDaemon(true);
        watcher.start();
        return seen;
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.url(), PostgresDatabase.USER, "");
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void assertEveryoneOnce(List<String> readers) {
        Map<String, Long> received = received();
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(readers);
        assertThat(received.values()).as("nobody twice").containsOnly(1L);
    }

    private static Map<String, Long> received() {
        return Arrays.stream(greenMail.getReceivedMessages()).map(EditionSenderTest::recipient)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private void awaitTrue(Check check, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        StringBuilder logs = new StringBuilder();
        for (ServeNode node : nodes) {
            logs.append("\n---- ").append(node.pid()).append('\n').append(tail(node.log()));
        }
        throw new AssertionError("not within " + timeout + logs);
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}
