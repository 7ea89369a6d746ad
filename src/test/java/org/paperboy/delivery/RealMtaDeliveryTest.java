package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.mail.MailSettingsException;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.CliProcess;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.PrivateMailServers;
import org.paperboy.testing.PrivatePostfix;
import org.paperboy.testing.Processes;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/**
 * The path production uses, against the MTA operators run: a private Postfix with a submission
 * port (STARTTLS, then AUTH), an implicit-TLS port and a port without STARTTLS, delivering to
 * Maildirs. What each test reads back is what Postfix delivered.
 */
class RealMtaDeliveryTest {

    static final LocalDate DATE = LocalDate.parse("2026-11-26");

    @TempDir
    static Path servers;

    static PrivateMailServers mail;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));

    @BeforeAll
    static void startServers() throws Exception {
        List<String> readers = new ArrayList<>();
        for (String prefix : new String[] {"starttls", "tls", "p12", "auth", "untrusted", "named", "plain", "retry", "local"}) {
            for (int i = 1; i <= 3; i++) {
                readers.add(prefix + i);
            }
        }
        mail = PrivateMailServers.start(servers, readers);
    }

    @AfterAll
    static void stopServers() {
        if (mail != null) {
            mail.close();
        }
    }

    private Paperboy open(TestSettings settings, String prefix) {
        Paperboy paperboy = Paperboy.open(settings.build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        for (int i = 1; i <= 3; i++) {
            paperboy.subscribers().addIfAbsent(EmailAddress.parse(prefix + i + "@" + PrivatePostfix.DOMAIN),
                    SubscriberStatus.ACTIVE, Subscriber.Consent.byOperator(clock.instant(), "test"));
        }
        return paperboy;
    }

    private void assertDeliveredOnceEach(String prefix, String receivedMentions) throws Exception {
        for (int i = 1; i <= 3; i++) {
            List<Path> delivered = mail.postfix().awaitDelivered(prefix + i, 1);
            assertThat(delivered).as("messages for %s%d", prefix, i).hasSize(1);
            String message = Files.readString(delivered.get(0));
            assertThat(message).contains("To: " + prefix + i + "@" + PrivatePostfix.DOMAIN)
                    .contains("(using TLS").contains(receivedMentions);
        }
    }

    private void assertNothingDelivered(String prefix) throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertThat(mail.postfix().delivered(prefix + i)).as("messages for %s%d", prefix, i).isEmpty();
        }
    }

    @Test
    void deliversEveryMessageOnceOverStartTlsWithAuthentication() throws Exception {
        try (Paperboy paperboy = open(mail.submission(TestSettings.in(dir)), "starttls")) {
            SendReport report = paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);

            assertThat(report.sentNow()).isEqualTo(3);
            assertThat(report.stoppedBecause()).isNull();
        }
        assertDeliveredOnceEach("starttls", "(Authenticated sender: " + PrivateMailServers.SMTP_USER + ")");
    }

    @Test
    void deliversThroughALocalPostfixOnLoopbackWithoutTlsOrAuthentication() throws Exception {
        // the settings docs/sending.md gives for a Postfix on the same machine (its port 25 here a free one)
        TestSettings settings = TestSettings.in(dir).with("SMTP_HOST", "127.0.0.1")
                .with("SMTP_PORT", Integer.toString(mail.postfix().plainPort())).with("SMTP_SECURITY", "none");
        try (Paperboy paperboy = open(settings, "local")) {
            assertThat(paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE).sentNow()).isEqualTo(3);
        }
        for (int i = 1; i <= 3; i++) {
            assertThat(mail.postfix().awaitDelivered("local" + i, 1)).hasSize(1);
        }
    }

    @Test
    void deliversEveryMessageOnceOverImplicitTls() throws Exception {
        TestSettings settings = mail.submission(TestSettings.in(dir))
                .with("SMTP_PORT", Integer.toString(mail.postfix().smtpsPort())).with("SMTP_SECURITY", "tls");
        try (Paperboy paperboy = open(settings, "tls")) {
            SendReport report = paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);

            assertThat(report.sentNow()).isEqualTo(3);
        }
        assertDeliveredOnceEach("tls", "(Authenticated sender: " + PrivateMailServers.SMTP_USER + ")");
    }

    @Test
    void trustsACertificateFromAPkcs12TrustStore() throws Exception {
        Path store = dir.resolve("trust.p12");
        // the one line docs/sending.md gives operators
        Processes.run(List.of("keytool", "-importcert", "-noprompt", "-alias", "relay", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit",
                "-file", mail.certificate().certificate().toString()));
        TestSettings settings = mail.submission(TestSettings.in(dir)).with("SMTP_TRUST", store.toString());
        try (Paperboy paperboy = open(settings, "p12")) {
            assertThat(paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE).sentNow()).isEqualTo(3);
        }
        assertDeliveredOnceEach("p12", "(Authenticated sender:");
    }

    @Test
    void aWrongPasswordStopsWithOneLineMarksNobodyAndTheNextRunDeliversEveryoneOnce() throws Exception {
        Map<String, String> env = new HashMap<>();
        mail.submission(TestSettings.in(dir)).with("SMTP_PASSWORD", "wrong-password").with("LOG_LEVEL", "error")
                .asMap().forEach((key, value) -> env.put("PAPERBOY_" + key, value));
        try (Paperboy paperboy = open(TestSettings.in(dir).with("DB_URL", env.get("PAPERBOY_DB_URL")), "auth")) {
            paperboy.editions(); // the subscribers and papers are in the database the command opens
        }

        CliProcess.Result refused = CliProcess.run(dir, env, "send", "--date", DATE.toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        // what stays on stderr besides the progress line
        List<String> lines = refused.err().lines().filter(line -> !line.isBlank() && !line.startsWith("sending "))
                .toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("paperboy: SMTP authentication failed at localhost:"
                + mail.postfix().submissionPort() + " (535 5.7.8 Error: authentication failed")
                .endsWith("; check PAPERBOY_SMTP_USERNAME and PAPERBOY_SMTP_PASSWORD")
                .doesNotContain("unreachable");
        assertThat(lines.get(1)).startsWith("hint: nobody was marked sent");
        assertNothingDelivered("auth");
        try (Paperboy paperboy = Paperboy.open(TestSettings.in(dir).with("DB_URL", env.get("PAPERBOY_DB_URL")).build(),
                clock)) {
            Edition edition = paperboy.editions().find(DATE).orElseThrow();
            assertThat(paperboy.ledger().rowCounts(edition.id())).containsEntry(DeliveryLedger.State.SENT, 0)
                    .containsEntry(DeliveryLedger.State.DEFERRED, 0).containsEntry(DeliveryLedger.State.FAILED, 0);
        }

        env.put("PAPERBOY_SMTP_PASSWORD", PrivateMailServers.SMTP_PASSWORD);
        CliProcess.Result fixed = CliProcess.run(dir, env, "send", "--date", DATE.toString());

        assertThat(fixed.exitCode()).as(fixed.out() + fixed.err()).isZero();
        assertThat(fixed.out()).contains("3 sent now");
        assertDeliveredOnceEach("auth", "(Authenticated sender:");
    }

    @Test
    void afterASettingsErrorTheRetryJobDoesNotLogInAgain() throws Exception {
        TestSettings settings = mail.submission(TestSettings.in(dir)).with("SMTP_PASSWORD", "wrong-password");
        try (Paperboy paperboy = open(settings, "retry")) {
            assertThatThrownBy(() -> paperboy.sender().send(DATE, SendMode.SCHEDULED, ProgressListener.NONE))
                    .isInstanceOf(MailSettingsException.class);
            long attempts = authenticationFailures();
            Edition edition = paperboy.editions().find(DATE).orElseThrow();
            assertThat(paperboy.ledger().rowCounts(edition.id())).containsEntry(DeliveryLedger.State.DEFERRED, 0);

            clock.advance(java.time.Duration.ofHours(1));
            assertThat(paperboy.sender().retryDue()).isEmpty();

            assertThat(authenticationFailures()).isEqualTo(attempts);
        }
        assertNothingDelivered("retry");
    }

    private static long authenticationFailures() throws Exception {
        return mail.postfix().log().lines().filter(line -> line.contains("authentication failed")).count();
    }

    @Test
    void refusesACertificateItDoesNotTrustWithoutSendingAnything() throws Exception {
        TestSettings settings = mail.submission(TestSettings.in(dir)).with("SMTP_TRUST", "");
        try (Paperboy paperboy = open(settings, "untrusted")) {
            assertThatThrownBy(() -> paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE))
                    .isInstanceOf(MailSettingsException.class)
                    .hasMessageStartingWith("the TLS certificate of localhost:" + mail.postfix().submissionPort()
                            + " is not trusted (")
                    .hasMessageEndingWith("check PAPERBOY_SMTP_HOST (the name in the certificate) and"
                            + " PAPERBOY_SMTP_TRUST (a private CA)");
        }
        assertNothingDelivered("untrusted");
    }

    @Test
    void checksTheServersHostNameAgainstItsCertificate() throws Exception {
        // the certificate is trusted, but it is for localhost, not for 127.0.0.1
        TestSettings settings = mail.submission(TestSettings.in(dir)).with("SMTP_HOST", "127.0.0.1");
        try (Paperboy paperboy = open(settings, "named")) {
            assertThatThrownBy(() -> paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE))
                    .isInstanceOf(MailSettingsException.class)
                    .hasMessageContaining("the TLS certificate of 127.0.0.1:")
                    .hasMessageContaining("127.0.0.1");
        }
        assertNothingDelivered("named");
    }

    @Test
    void refusesAStartTlsServerThatDoesNotOfferItWithoutSendingInClear() throws Exception {
        TestSettings settings = mail.submission(TestSettings.in(dir))
                .with("SMTP_PORT", Integer.toString(mail.postfix().plainPort()));
        try (Paperboy paperboy = open(settings, "plain")) {
            assertThatThrownBy(() -> paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE))
                    .isInstanceOf(MailSettingsException.class)
                    .hasMessage("localhost:" + mail.postfix().plainPort() + " does not offer STARTTLS, and nothing is"
                            + " sent in clear; check PAPERBOY_SMTP_SECURITY (tls for an implicit-TLS port such as 465)"
                            + " and PAPERBOY_SMTP_PORT");
        }
        assertNothingDelivered("plain");
        // the port without STARTTLS would have taken the mail: nothing reached it, not even MAIL FROM
        assertThat(mail.postfix().log()).doesNotContain("from=<digest@paperboy.test>, size")
                .satisfiesAnyOf(log -> assertThat(log).doesNotContain("mail=1"));
    }
}
