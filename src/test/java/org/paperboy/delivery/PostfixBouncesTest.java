package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.PrivateMailServers;
import org.paperboy.testing.PrivatePostfix;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/**
 * Bounces as they really come: Postfix accepts mail for unknown local recipients, then writes its
 * own RFC 3464 reports to the VERP return path; they land in a Maildir that a private Dovecot
 * serves, and the poller reads them over IMAP and IMAPS.
 */
class PostfixBouncesTest {

    static final LocalDate DATE = LocalDate.parse("2026-11-26");

    @TempDir
    static Path servers;

    static PrivateMailServers mail;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));

    @BeforeAll
    static void start() throws Exception {
        mail = PrivateMailServers.start(servers, List.of("known1", "known2"));
    }

    @AfterAll
    static void stop() {
        if (mail != null) {
            mail.close();
        }
    }

    private TestSettings settings(int port, String security) {
        return mail.submission(TestSettings.in(dir))
                .with("BOUNCE_ADDRESS", PrivateMailServers.BOUNCES + "+TOKEN@" + PrivatePostfix.DOMAIN)
                .with("BOUNCE_MAILBOX_HOST", PrivatePostfix.HOST_NAME)
                .with("BOUNCE_MAILBOX_PORT", Integer.toString(port))
                .with("BOUNCE_MAILBOX_SECURITY", security)
                .with("BOUNCE_MAILBOX_USERNAME", PrivateMailServers.BOUNCES)
                .with("BOUNCE_MAILBOX_PASSWORD", PrivateMailServers.BOUNCES_PASSWORD);
    }

    private void sendAndReadBounces(TestSettings settings, String known, String... unknown) throws Exception {
        try (Paperboy paperboy = Paperboy.open(settings.build(), clock)) {
            paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
            paperboy.subscribers().addIfAbsent(EmailAddress.parse(known + "@" + PrivatePostfix.DOMAIN),
                    SubscriberStatus.ACTIVE, Subscriber.Consent.byOperator(clock.instant(), "test"));
            for (String address : unknown) {
                paperboy.subscribers().addIfAbsent(EmailAddress.parse(address + "@" + PrivatePostfix.DOMAIN),
                        SubscriberStatus.ACTIVE, Subscriber.Consent.byOperator(clock.instant(), "test"));
            }
            // Postfix accepts them all at RCPT: the unknown ones bounce afterwards, as from a remote MX
            assertThat(paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE).sentNow())
                    .isEqualTo(1 + unknown.length);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> mail.postfix().delivered(PrivateMailServers.BOUNCES).size() == unknown.length);

            BounceReport report = paperboy.bouncePoller().pollOnce();

            assertThat(report.read()).isEqualTo(unknown.length);
            assertThat(report.hard()).isEqualTo(unknown.length);
            assertThat(report.unmatched() + report.malformed()).isZero();
            for (String address : unknown) {
                assertThat(status(paperboy, address)).as(address).isEqualTo(SubscriberStatus.BOUNCED);
            }
            assertThat(status(paperboy, known)).isEqualTo(SubscriberStatus.ACTIVE);
            assertThat(mail.postfix().awaitDelivered(known, 1)).hasSize(1);
            // handled reports are deleted from the mailbox
            assertThat(paperboy.bouncePoller().pollOnce().read()).isZero();
        }
    }

    private static SubscriberStatus status(Paperboy paperboy, String localPart) {
        return paperboy.subscribers().findByEmail(EmailAddress.parse(localPart + "@" + PrivatePostfix.DOMAIN))
                .orElseThrow().status();
    }

    @Test
    void postfixReportsForUnknownRecipientsMarkExactlyThemBouncedOverImap() throws Exception {
        sendAndReadBounces(settings(mail.dovecot().imapPort(), "none"), "known1", "ghost1", "ghost2");
    }

    @Test
    void theSameOverImapsTrustingTheMailboxCertificateThroughSmtpTrust() throws Exception {
        sendAndReadBounces(settings(mail.dovecot().imapsPort(), "tls"), "known2", "ghost3");
    }

    @Test
    void theBounceMailboxIsNotReadWhenItsCertificateIsNotTrusted() throws Exception {
        TestSettings untrusted = settings(mail.dovecot().imapsPort(), "tls").with("SMTP_TRUST", "");
        try (Paperboy paperboy = Paperboy.open(untrusted.build(), clock)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> paperboy.bouncePoller().pollOnce())
                    .isInstanceOf(jakarta.mail.MessagingException.class)
                    .hasStackTraceContaining("PKIX path building failed");
        }
    }
}
