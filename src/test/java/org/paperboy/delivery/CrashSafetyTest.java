package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.ScriptedSmtpServer;
import org.paperboy.testing.TestSettings;

/**
 * {@code paperboy send} in a child JVM, killed with SIGKILL at random moments and run again:
 * nobody is skipped, and nobody gets the edition twice except the messages in flight at a
 * kill (at most one per open connection).
 */
class CrashSafetyTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final int SUBSCRIBERS = 60;
    static final int CONNECTIONS = 2;

    @TempDir
    Path dir;

    /** Where the child's messages arrive: what was received so far, and on which port. */
    interface Inbox {
        int port();

        List<String> recipients();
    }

    /** GreenMail speaks one command at a time; the scripted server offers PIPELINING, so each
     * message's end carries the next message's MAIL, RCPT and DATA. */
    enum Server { ONE_AT_A_TIME, PIPELINED }

    private static Inbox inbox(Server server, ScriptedSmtpServer scripted) {
        return switch (server) {
            case ONE_AT_A_TIME -> new Inbox() {
                public int port() {
                    return greenMail.getSmtp().getPort();
                }

                public List<String> recipients() {
                    return Arrays.stream(greenMail.getReceivedMessages()).map(EditionSenderTest::recipient).toList();
                }
            };
            case PIPELINED -> new Inbox() {
                public int port() {
                    return scripted.port();
                }

                public List<String> recipients() {
                    return scripted.recipients();
                }
            };
        };
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aSendKilledAtRandomPointsAndRunAgainDeliversToEveryoneOnceBarTheMessagesInFlight(Server server) throws Exception {
        try (ScriptedSmtpServer scripted = new ScriptedSmtpServer().pipelining()) {
            killAndRunAgain(inbox(server, scripted));
        }
    }

    private void killAndRunAgain(Inbox inbox) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String dbUrl = "jdbc:h2:file:" + dir.resolve("paperboy").toAbsolutePath() + ";AUTO_SERVER=TRUE";
        TestSettings settings = TestSettings.in(dir).with("DB_URL", dbUrl).smtpPort(inbox.port())
                .with("SEND_CONNECTIONS", Integer.toString(CONNECTIONS))
                .with("SEND_RATE", "30")
                .with("CLAIM_TIMEOUT", "2s")
                .with("LOG_LEVEL", "warn");
        List<String> everyone = seed(settings);

        // kill early, in the middle and near the end of the edition
        int[][] windows = {{1, 10}, {5, 15}, {5, 15}};
        int kills = 0;
        for (int[] window : windows) {
            int before = inbox.recipients().size();
            int killAt = before + window[0] + random.nextInt(window[1] - window[0]);
            Process child = startSend(settings, "kill-" + kills);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (child.isAlive() && inbox.recipients().size() < killAt && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(random.nextInt(60));
            if (child.isAlive()) {
                child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no clean release of claims
                kills++;
            }
            child.waitFor(10, TimeUnit.SECONDS);
        }
        Process last = startSend(settings, "final");
        assertThat(last.waitFor(60, TimeUnit.SECONDS)).as("final run finished").isTrue();
        assertThat(last.exitValue()).as("exit code of the final run; log: %s", log("final")).isZero();

        Map<String, Long> received = inbox.recipients().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        long duplicates = received.values().stream().mapToLong(n -> n - 1).sum();
        assertThat(received.keySet()).as("seed %s", seed).containsExactlyInAnyOrderElementsOf(everyone);
        assertThat(duplicates).as("seed %s, kills %s", seed, kills).isLessThanOrEqualTo((long) kills * CONNECTIONS);
        assertThat(kills).as("kills that hit a running send").isPositive();
        try (Paperboy paperboy = Paperboy.open(settings.build(), Clock.systemUTC())) {
            Edition edition = paperboy.editions().list(1).get(0);
            assertThat(edition.status()).isEqualTo(Edition.Status.SENT);
            assertThat(paperboy.ledger().progress(edition)).containsEntry(DeliveryLedger.State.SENT, SUBSCRIBERS);
        }
    }

    private List<String> seed(TestSettings settings) {
        try (Paperboy paperboy = Paperboy.open(settings.build(), Clock.systemUTC())) {
            paperboy.papers().upsert(SamplePapers.ranked(12, Instant.now()));
            List<String> emails = new java.util.ArrayList<>();
            for (int i = 1; i <= SUBSCRIBERS; i++) {
                String email = String.format("reader%03d@example.org", i);
                paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                        Subscriber.Consent.byOperator(Instant.now(), "test"));
                emails.add(email);
            }
            return emails;
        }
    }

    private Process startSend(TestSettings settings, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.paperboy.cli.Main", "send");
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("PAPERBOY_"));
        Map<String, String> values = new HashMap<>(settings.asMap());
        values.forEach((key, value) -> env.put("PAPERBOY_" + key, value));
        // a directory of its own: no .env or config/paperboy.yml of the developer is read
        builder.directory(dir.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(dir.resolve(name + ".log").toFile());
        return builder.start();
    }

    private String log(String name) throws IOException {
        Path file = dir.resolve(name + ".log");
        return Files.exists(file) ? Files.readString(file) : "(none)";
    }
}
