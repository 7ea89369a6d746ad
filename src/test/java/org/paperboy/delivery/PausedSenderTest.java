package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.mail.MailTransport;
import org.paperboy.mail.SmtpMailTransport;
import org.paperboy.papers.Sleeper;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.ScriptedSmtpServer;
import org.paperboy.testing.TestSettings;

/**
 * A sender frozen (a GC pause, SIGSTOP, a suspended VM) for longer than the claim timeout loses
 * its claims to another sender; when it wakes it must neither send them nor write over the other
 * sender's results.
 */
class PausedSenderTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    static final int READERS = 90;

    @Test
    void aSenderThatWakesAfterItsClaimsWereTakenOverSendsNothingAndOverwritesNothing() throws Exception {
        LocalDate date = LocalDate.parse("2026-11-26");
        Instant start = Instant.parse("2026-11-26T07:00:00Z");
        // the paused sender's clock stands still: its heartbeats stay at the moment it froze
        MutableClock pausedClock = new MutableClock(start);
        MutableClock otherClock = new MutableClock(start.plus(Duration.ofMinutes(10)));
        CountDownLatch wake = new CountDownLatch(1);
        try (ScriptedSmtpServer pausedServer = new ScriptedSmtpServer()) {
            // what the paused sender's server would answer: accepted, deferred or refused, a third each
            pausedServer.replyToRecipient(rcpt -> {
                int n = Integer.parseInt(rcpt.replaceAll("\\D", ""));
                return n % 3 == 0 ? "250 2.1.5 Ok" : n % 3 == 1 ? "451 4.7.1 Try again later" : "550 5.1.1 No such user";
            });
            TestSettings common = TestSettings.in(dir).with("SEND_CONNECTIONS", "2");
            Settings pausedSettings = common.smtpPort(pausedServer.port()).build();
            Settings otherSettings = common.smtpPort(greenMail.getSmtp().getPort()).build();
            MailTransport.Factory smtp = SmtpMailTransport.factory(pausedSettings.smtp(), "localhost", 100);
            MailTransport.Factory frozenUntilWoken = () -> {
                try {
                    wake.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return smtp.open();
            };
            try (Paperboy paused = Paperboy.open(pausedSettings, pausedClock, frozenUntilWoken, Sleeper.REAL);
                 Paperboy other = Paperboy.open(otherSettings, otherClock)) {
                paused.papers().upsert(SamplePapers.ranked(10, start));
                for (int i = 1; i <= READERS; i++) {
                    paused.subscribers().addIfAbsent(EmailAddress.parse("reader" + i + "@example.org"),
                            SubscriberStatus.ACTIVE, Subscriber.Consent.byOperator(start, "test"));
                }
                CompletableFuture<SendReport> first = CompletableFuture.supplyAsync(
                        () -> paused.sender().send(date, SendMode.SCHEDULED, ProgressListener.NONE));
                awaitClaimed(paused, date);

                SendReport second = other.sender().send(date, SendMode.SCHEDULED, ProgressListener.NONE);
                assertThat(second.sentNow()).as("the second sender took every claim over").isEqualTo(READERS);

                wake.countDown();
                SendReport woken = first.get(60, TimeUnit.SECONDS);

                assertThat(woken.sentNow() + woken.failedNow() + woken.deferredNow())
                        .as("what the woken sender sent or marked").isZero();
                assertThat(pausedServer.recipients()).as("messages the woken sender sent").isEmpty();
                Edition edition = other.editions().find(date).orElseThrow();
                assertThat(other.ledger().rowCounts(edition.id())).containsEntry(DeliveryLedger.State.SENT, READERS);
                assertThat(edition.status()).isEqualTo(Edition.Status.SENT);
            }
        }
        Map<String, Long> perRecipient = Arrays.stream(greenMail.getReceivedMessages())
                .map(EditionSenderTest::recipient)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(perRecipient).hasSize(READERS);
        assertThat(List.copyOf(perRecipient.values())).containsOnly(1L);
    }

    private static void awaitClaimed(Paperboy paperboy, LocalDate date) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var edition = paperboy.editions().find(date);
            if (edition.isPresent()
                    && paperboy.ledger().rowCounts(edition.get().id()).get(DeliveryLedger.State.SENDING) == READERS) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the first sender never claimed the edition");
    }
}
