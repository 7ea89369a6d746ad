package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.mail.BounceMailbox;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;
import org.slf4j.LoggerFactory;

/** Delivery status reports in a real IMAP mailbox (GreenMail), read by the poller. */
class BouncePollerTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));

    static final LocalDate DATE = LocalDate.parse("2026-11-26");

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Paperboy paperboy;
    GreenMailUser bounces;
    BouncePoller poller;

    @BeforeEach
    void open() {
        paperboy = Paperboy.open(TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort())
                .with("BOUNCE_ADDRESS", "bounces+TOKEN@paperboy.test")
                // five editions of the same twelve papers in a row: repeats allowed
                .with("REPEAT_AFTER_DAYS", "1").build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        bounces = greenMail.setUser("bounces@paperboy.test", "bounces", "secret");
        BounceMailbox mailbox = new BounceMailbox(new BounceMailbox.Account("imap", "127.0.0.1",
                greenMail.getImap().getPort(), "bounces", "secret", Settings.SmtpSecurity.NONE, "INBOX",
                Duration.ofSeconds(5)));
        poller = new BouncePoller(mailbox, paperboy.database(), paperboy.subscribers(), paperboy.links().signer(),
                3, clock);
        logs.start();
        ((Logger) LoggerFactory.getLogger(BouncePoller.class)).addAppender(logs);
    }

    @AfterEach
    void close() {
        ((Logger) LoggerFactory.getLogger(BouncePoller.class)).detachAppender(logs);
        paperboy.close();
    }

    private void subscribe(String... emails) {
        for (String email : emails) {
            paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                    Subscriber.Consent.byOperator(clock.instant(), "test"));
        }
    }

    private SubscriberStatus status(String email) {
        return paperboy.subscribers().findByEmail(EmailAddress.parse(email)).orElseThrow().status();
    }

    /** The envelope sender GreenMail saw on the message to {@code email}: the VERP address. */
    private String envelopeSenderOfLatestTo(String email) throws Exception {
        MimeMessage[] received = greenMail.getReceivedMessages();
        for (int i = received.length - 1; i >= 0; i--) {
            if (EditionSenderTest.recipient(received[i]).equals(email)) {
                return received[i].getHeader("Return-Path")[0].replaceAll("[<>]", "");
            }
        }
        throw new AssertionError("nothing received for " + email);
    }

    private int messagesInBounceMailbox() throws Exception {
        return greenMail.getManagers().getImapHostManager().getInbox(bounces).getMessageCount();
    }

    private void deliverBounce(String raw) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
        bounces.deliver(message);
    }

    static String dsn(String verpAddress, String finalRecipient, String action, String status) {
        return """
                From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                To: %1$s
                Delivered-To: %1$s
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <dsn-%5$s@mx.example.org>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status;
                 boundary="DSN-BOUNDARY"

                --DSN-BOUNDARY
                Content-Type: text/plain; charset=us-ascii

                I'm sorry to have to inform you that your message could not be delivered.

                --DSN-BOUNDARY
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.org
                Arrival-Date: Thu, 26 Nov 2026 07:00:05 +0000

                Final-Recipient: rfc822; %2$s
                Original-Recipient: rfc822;%2$s
                Action: %3$s
                Status: %4$s
                Diagnostic-Code: smtp; 550 5.1.1 <%2$s>: Recipient address rejected:
                 User unknown in virtual mailbox table

                --DSN-BOUNDARY
                Content-Type: text/rfc822-headers

                From: Paperboy <digest@paperboy.test>
                To: %2$s
                Subject: Paperboy daily papers

                --DSN-BOUNDARY--
                """.formatted(verpAddress, finalRecipient, action, status, Integer.toHexString((verpAddress + status).hashCode()));
    }

    @Test
    void aHardBounceMarksTheRightSubscriberBouncedAndIsRemovedFromTheMailbox() throws Exception {
        subscribe("ada@example.org", "alan@example.org", "grace@example.org");
        paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);
        String verp = envelopeSenderOfLatestTo("alan@example.org");
        assertThat(verp).matches("bounces\\+b\\d+-[0-9a-f]{10}@paperboy\\.test");
        deliverBounce(dsn(verp, "alan@example.org", "failed", "5.1.1"));

        BounceReport report = poller.pollOnce();

        assertThat(report.read()).isEqualTo(1);
        assertThat(report.hard()).isEqualTo(1);
        assertThat(status("alan@example.org")).isEqualTo(SubscriberStatus.BOUNCED);
        assertThat(status("ada@example.org")).isEqualTo(SubscriberStatus.ACTIVE);
        assertThat(status("grace@example.org")).isEqualTo(SubscriberStatus.ACTIVE);
        assertThat(messagesInBounceMailbox()).isZero();
        assertThat(poller.pollOnce().read()).isZero();

        // and the next edition does not go to them
        clock.advance(Duration.ofDays(1));
        paperboy.sender().send(DATE.plusDays(1), SendMode.MANUAL, ProgressListener.NONE);
        assertThat(Arrays.stream(greenMail.getReceivedMessages()).map(EditionSenderTest::recipient)
                .filter("alan@example.org"::equals)).hasSize(1);
    }

    @Test
    void aMalformedReportIsLoggedAndSkippedAndNotReadAgain() throws Exception {
        subscribe("ada@example.org", "alan@example.org");
        paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);
        String verp = envelopeSenderOfLatestTo("ada@example.org");
        deliverBounce(dsn(verp, "ada@example.org", "failed", "bounced, sorry"));
        deliverBounce("""
                From: someone@example.net
                To: %s
                Subject: out of office
                Message-ID: <ooo-1@example.net>

                I am away until Monday.
                """.formatted(verp));

        BounceReport report = poller.pollOnce();

        assertThat(report.read()).isEqualTo(2);
        assertThat(report.malformed()).isEqualTo(2);
        assertThat(report.hard() + report.soft()).isZero();
        assertThat(status("ada@example.org")).isEqualTo(SubscriberStatus.ACTIVE);
        assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().startsWith("event=bounce_malformed"))
                .hasSize(2)
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("is not class.subject.detail"))
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("message_id=\"<ooo-1@example.net>\"", "not a multipart/report"))
                .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("\n"));
        assertThat(messagesInBounceMailbox()).isEqualTo(2);
        assertThat(poller.pollOnce().read()).isZero();
    }

    @Test
    void aReportWithoutAValidTokenChangesNobody() throws Exception {
        subscribe("ada@example.org");
        paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);
        String verp = envelopeSenderOfLatestTo("ada@example.org");
        String forged = verp.replaceAll("-[0-9a-f]{10}@", "-0000000000@");
        deliverBounce(dsn(forged, "ada@example.org", "failed", "5.1.1"));
        deliverBounce(dsn("bounces@paperboy.test", "ada@example.org", "failed", "5.1.1"));

        BounceReport report = poller.pollOnce();

        assertThat(report.unmatched()).isEqualTo(2);
        assertThat(status("ada@example.org")).isEqualTo(SubscriberStatus.ACTIVE);
    }

    @Test
    void softBouncesSuppressAfterTheLimitInARowAndADeliveryThatDidNotBounceStartsTheCountAgain() throws Exception {
        subscribe("ada@example.org", "alan@example.org");
        // editions 1..5: ada soft-bounces on 1, 3, 4 and 5; edition 2 reached her
        boolean[] bounced = {true, false, true, true, true};
        BounceReport last = null;
        for (int day = 0; day < bounced.length; day++) {
            paperboy.sender().send(DATE.plusDays(day), SendMode.MANUAL, ProgressListener.NONE);
            if (bounced[day]) {
                String verp = envelopeSenderOfLatestTo("ada@example.org");
                deliverBounce(dsn(verp, "ada@example.org", "failed", "4.2.2"));
                if (day == 0) {
                    deliverBounce(dsn(verp, "ada@example.org", "failed", "4.2.2")); // the same report twice
                    deliverBounce(dsn(verp, "ada@example.org", "delayed", "4.4.1")); // still trying: not a bounce
                }
                last = poller.pollOnce();
            }
            if (day == 3) {
                assertThat(status("ada@example.org")).isEqualTo(SubscriberStatus.ACTIVE);
                assertThat(softBounces("ada@example.org")).isEqualTo(2);
            }
            clock.advance(Duration.ofDays(1));
        }

        assertThat(last.soft()).isEqualTo(1);
        assertThat(last.suppressed()).isEqualTo(1);
        assertThat(status("ada@example.org")).isEqualTo(SubscriberStatus.SUPPRESSED);
        assertThat(softBounces("ada@example.org")).isEqualTo(3);
        assertThat(status("alan@example.org")).isEqualTo(SubscriberStatus.ACTIVE);
        assertThat(messagesInBounceMailbox()).isZero();
    }

    private int softBounces(String email) {
        return paperboy.database().withConnection(c -> {
            try (var ps = c.prepareStatement("select soft_bounces from subscribers where email = ?")) {
                ps.setString(1, email);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }
}
