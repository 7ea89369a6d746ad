package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.ScriptedSmtpServer;
import org.paperboy.testing.TestSettings;
import org.slf4j.LoggerFactory;

/** A server's reply is data: stored and logged as one line, whatever line breaks it came with. */
class ServerRepliesTest {

    @TempDir
    Path dir;

    @Test
    void multiLineRepliesAreStoredAndLoggedAsOneLine() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger senderLog = (Logger) LoggerFactory.getLogger(EditionSender.class);
        senderLog.addAppender(logs);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().replyToRecipient(rcpt -> rcpt.startsWith("gone")
                ? "550-5.1.1 The email account that you tried to reach does not exist.\r\n550 5.1.1 Check the address"
                : rcpt.startsWith("busy") ? "451-4.7.1 Greylisted,\r\n451 4.7.1 come back later" : "250 2.1.5 Ok");
             Paperboy paperboy = Paperboy.open(TestSettings.in(dir).smtpPort(server.port()).build(), clock)) {
            paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
            for (String email : List.of("gone@example.org", "busy@example.org", "ada@example.org")) {
                paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                        Subscriber.Consent.byOperator(clock.instant(), "test"));
            }

            SendReport report = paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL,
                    ProgressListener.NONE);

            assertThat(report.failedNow()).isEqualTo(1);
            assertThat(report.deferredNow()).isEqualTo(1);
            List<DeliveryLedger.Problem> problems = paperboy.ledger().problems(report.editionId(), 10);
            assertThat(problems).extracting(DeliveryLedger.Problem::lastReply).containsExactlyInAnyOrder(
                    "550-5.1.1 The email account that you tried to reach does not exist. 550 5.1.1 Check the address",
                    "451-4.7.1 Greylisted, 451 4.7.1 come back later");
            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(line -> line.contains("reply="))
                    .hasSize(2)
                    .allSatisfy(line -> assertThat(line).doesNotContain("\n").doesNotContain("\r"));
        } finally {
            senderLog.detachAppender(logs);
        }
    }
}
