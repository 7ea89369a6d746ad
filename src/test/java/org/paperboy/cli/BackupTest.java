package org.paperboy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.store.Database;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.CliProcess;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.ScriptedSmtpServer;
import org.paperboy.testing.TestSettings;

/** {@code paperboy backup} while a send runs in another process, restored into a fresh directory. */
class BackupTest {

    static final int SUBSCRIBERS = 80;

    @TempDir
    Path dir;

    @Test
    void aBackupTakenDuringASendRestoresEverySubscriberAndLedgerRowItHeld() throws Exception {
        CountDownLatch backedUp = new CountDownLatch(1);
        AtomicInteger recipients = new AtomicInteger();
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().replyToRecipient(rcpt -> {
            // the send stops in the middle of the edition until the copy is taken
            if (recipients.incrementAndGet() == SUBSCRIBERS / 2) {
                await(backedUp);
            }
            return "250 2.1.5 Ok";
        })) {
            String url = "jdbc:h2:file:" + dir.resolve("data/paperboy").toAbsolutePath() + ";AUTO_SERVER=TRUE";
            TestSettings settings = TestSettings.in(dir).with("DB_URL", url).smtpPort(server.port())
                    .with("SEND_CONNECTIONS", "1").with("SMTP_TIMEOUT_SECONDS", "300").with("LOG_LEVEL", "warn");
            seed(settings.build());
            Map<String, String> env = new HashMap<>();
            settings.asMap().forEach((key, value) -> env.put("PAPERBOY_" + key, value));

            Process send = startSend(env);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (recipients.get() < SUBSCRIBERS / 2 && send.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            CliProcess.Result backup = CliProcess.run(dir, env, "backup", "copy.zip");
            boolean sendWasRunning = send.isAlive();
            backedUp.countDown();
            assertThat(send.waitFor(120, TimeUnit.SECONDS)).isTrue();

            assertThat(backup.exitCode()).as(backup.err()).isZero();
            assertThat(backup.out()).contains("Backed up the database to " + dir.resolve("copy.zip"));
            assertThat(sendWasRunning).as("the send ran while the copy was taken").isTrue();
            assertThat(send.exitValue()).isZero();
            assertThat(server.recipients()).hasSize(SUBSCRIBERS);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("copy.zip"))))
                .isEqualTo("rw-------");

        Path restored = Files.createDirectories(dir.resolve("restored"));
        unzip(dir.resolve("copy.zip"), restored);
        assertThat(restored.resolve("paperboy.password")).as("the copy's password travels with it").exists();
        Map<Long, String> copied = ledger(restored.resolve("paperboy"));
        Map<Long, String> live = ledger(dir.resolve("data/paperboy"));
        assertThat(count(restored.resolve("paperboy"), "subscribers")).isEqualTo(SUBSCRIBERS);
        assertThat(copied).as("ledger rows in the copy").hasSizeGreaterThanOrEqualTo(SUBSCRIBERS / 2);
        // every row the copy holds is the live row of the same delivery: same edition and subscriber
        assertThat(live).containsAllEntriesOf(copied);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aBackupNeverReplacesAFile() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("data/paperboy").toAbsolutePath();
        Files.writeString(dir.resolve("copy.zip"), "keep me");

        CliProcess.Result result = CliProcess.run(dir, Map.of("PAPERBOY_DB_URL", url), "backup", "copy.zip");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("copy.zip exists already");
        assertThat(Files.readString(dir.resolve("copy.zip"))).isEqualTo("keep me");
    }

    private static void seed(Settings settings) {
        try (Paperboy paperboy = Paperboy.open(settings, Clock.systemUTC())) {
            paperboy.papers().upsert(SamplePapers.ranked(12, Instant.now()));
            for (int i = 1; i <= SUBSCRIBERS; i++) {
                paperboy.subscribers().addIfAbsent(EmailAddress.parse(String.format("reader%03d@example.org", i)),
                        SubscriberStatus.ACTIVE, Subscriber.Consent.byOperator(Instant.now(), "test"));
            }
        }
    }

    private Process startSend(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.paperboy.cli.Main", "send").directory(dir.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("PAPERBOY_"));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("send.log").toFile());
        return builder.start();
    }

    private static void unzip(Path zip, Path into) throws Exception {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = into.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(into)).as(entry.getName()).isTrue();
                Files.copy(in, target);
            }
        }
    }

    private static Database open(Path file) {
        return Database.open(new Settings.Database("jdbc:h2:file:" + file.toAbsolutePath(), "sa", ""));
    }

    private static Map<Long, String> ledger(Path file) throws Exception {
        Map<Long, String> rows = new TreeMap<>();
        try (Database database = open(file); Connection connection = database.connection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select id, edition_id, subscriber_id from deliveries")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getLong(2) + "/" + rs.getLong(3));
            }
        }
        return rows;
    }

    private static int count(Path file, String table) throws Exception {
        try (Database database = open(file); Connection connection = database.connection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
