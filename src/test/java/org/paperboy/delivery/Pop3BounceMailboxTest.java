package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * A POP3 bounce mailbox (no flags to mark a message skipped) filled with more junk than one poll
 * reads: the junk is remembered by its UIDL and stays for a person, and the reports behind it
 * are still read.
 */
class Pop3BounceMailboxTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetup.dynamicPort(ServerSetupTest.SMTP_POP3));

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    Paperboy paperboy;
    GreenMailUser bounces;
    BouncePoller poller;

    @BeforeEach
    void open() {
        paperboy = Paperboy.open(TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort())
                .with("BOUNCE_ADDRESS", "bounces+TOKEN@paperboy.test").build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        bounces = greenMail.setUser("bounces@paperboy.test", "bounces", "secret");
        BounceMailbox mailbox = new BounceMailbox(new BounceMailbox.Account("pop3", "127.0.0.1",
                greenMail.getPop3().getPort(), "bounces", "secret", Settings.SmtpSecurity.NONE, "INBOX",
                Duration.ofSeconds(10)));
        poller = new BouncePoller(mailbox, paperboy.database(), paperboy.subscribers(), paperboy.links().signer(),
                3, clock);
    }

    @AfterEach
    void close() {
        paperboy.close();
    }

    @Test
    void moreJunkThanOnePollReadsDoesNotHideTheReportsBehindIt() throws Exception {
        paperboy.subscribers().addIfAbsent(EmailAddress.parse("alan@example.org"), SubscriberStatus.ACTIVE,
                Subscriber.Consent.byOperator(clock.instant(), "test"));
        paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL, ProgressListener.NONE);
        String verp = greenMail.getReceivedMessages()[0].getHeader("Return-Path")[0].replaceAll("[<>]", "");
        int junk = BouncePoller.MAX_PER_POLL + 20;
        for (int i = 0; i < junk; i++) {
            deliver("From: someone@spam.example\nTo: " + verp + "\nSubject: offer " + i + "\nMessage-ID: <junk-" + i
                    + "@spam.example>\n\nBuy now.\n");
        }
        deliver(BouncePollerTest.dsn(verp, "alan@example.org", "failed", "5.1.1"));

        BounceReport first = poller.pollOnce();
        BounceReport second = poller.pollOnce();

        assertThat(first.read()).isEqualTo(BouncePoller.MAX_PER_POLL);
        assertThat(first.malformed()).isEqualTo(BouncePoller.MAX_PER_POLL);
        assertThat(second.read()).as("the rest of the junk and the report, not the junk already skipped")
                .isEqualTo(21);
        assertThat(second.hard()).isEqualTo(1);
        assertThat(paperboy.subscribers().findByEmail(EmailAddress.parse("alan@example.org")).orElseThrow().status())
                .isEqualTo(SubscriberStatus.BOUNCED);
        assertThat(greenMail.getManagers().getImapHostManager().getInbox(bounces).getMessageCount())
                .as("junk stays for a person to look at").isEqualTo(junk);
        assertThat(poller.pollOnce().read()).as("and is not read again").isZero();
    }

    private void deliver(String raw) throws Exception {
        bounces.deliver(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8))));
    }
}
