package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/**
 * Ledger rows are made as a sender claims them, not all at the start: an edition stopped part
 * way has rows only for who was reached, counts the others as queued, and the next run (the
 * scheduler's retry) makes theirs and sends them, each exactly once.
 */
class EditionRoundTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    static final LocalDate DATE = LocalDate.parse("2026-11-26");
    /** More than one claim's worth, so that the stop comes before the round reaches everyone. */
    static final int SUBSCRIBERS = EditionSender.CLAIM_BATCH * 2 + 100;

    @Test
    void aStoppedEditionHasRowsOnlyForWhoWasReachedAndTheRetryJobSendsTheRestOnce() throws Exception {
        // a rate cap so that the stop surely comes before the end, on any machine
        TestSettings settings = TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort())
                .with("SEND_CONNECTIONS", "1").with("SEND_RATE", "200");
        List<String> everyone = new ArrayList<>();
        String leaver;
        String latecomer = "latecomer@example.org";
        try (Paperboy first = Paperboy.open(settings.build(), clock)) {
            first.papers().upsert(SamplePapers.ranked(12, clock.instant()));
            for (int i = 0; i < SUBSCRIBERS; i++) {
                String email = String.format("reader%04d@example.org", i);
                first.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                        Subscriber.Consent.byOperator(clock.instant(), "test"));
                everyone.add(email);
            }
            leaver = everyone.remove(SUBSCRIBERS - 1);

            CompletableFuture<SendReport> running = CompletableFuture.supplyAsync(
                    () -> first.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE));
            await().atMost(20, TimeUnit.SECONDS).until(() -> greenMail.getReceivedMessages().length >= 20);
            first.sender().requestStop(); // as on SIGTERM: the messages in flight finish, the rest waits
            SendReport stopped = running.get(20, TimeUnit.SECONDS);

            Edition edition = first.editions().find(DATE).orElseThrow();
            Map<DeliveryLedger.State, Integer> rows = first.ledger().rowCounts(edition.id());
            int withRow = rows.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(stopped.sentNow()).isEqualTo(greenMail.getReceivedMessages().length).isLessThan(SUBSCRIBERS);
            assertThat(withRow).as("rows made before the stop").isLessThan(SUBSCRIBERS)
                    .isGreaterThanOrEqualTo(stopped.sentNow());
            assertThat(rows.get(DeliveryLedger.State.SENDING)).as("claims given back on the stop").isZero();
            assertThat(edition.status()).isEqualTo(Edition.Status.SENDING);
            // who has no row yet counts as queued, in the report and in the ledger's progress
            assertThat(stopped.stillToSend()).isEqualTo(SUBSCRIBERS - stopped.sentNow());
            assertThat(first.ledger().progress(edition)).containsEntry(DeliveryLedger.State.QUEUED,
                    SUBSCRIBERS - stopped.sentNow());

            // before the next run: the last subscriber leaves (no row yet), someone new joins
            long leaverId = first.subscribers().findByEmail(EmailAddress.parse(leaver)).orElseThrow().id();
            first.subscribers().setStatus(leaverId, SubscriberStatus.UNSUBSCRIBED);
            first.subscribers().addIfAbsent(EmailAddress.parse(latecomer), SubscriberStatus.ACTIVE,
                    Subscriber.Consent.byOperator(clock.instant(), "test"));
        }

        try (Paperboy second = Paperboy.open(settings.build(), clock)) {
            List<SendReport> retried = second.morningDelivery().sendDue();

            assertThat(retried).hasSize(1);
            Edition edition = second.editions().find(DATE).orElseThrow();
            assertThat(edition.status()).isEqualTo(Edition.Status.SENT);
            Map<DeliveryLedger.State, Integer> rows = second.ledger().rowCounts(edition.id());
            assertThat(rows).containsEntry(DeliveryLedger.State.SENT, SUBSCRIBERS)
                    .containsEntry(DeliveryLedger.State.SKIPPED, 0).containsEntry(DeliveryLedger.State.QUEUED, 0);
            assertThat(second.ledger().progress(edition)).isEqualTo(rows);
        }
        Map<String, Long> perRecipient = Arrays.stream(greenMail.getReceivedMessages())
                .map(EditionSenderTest::recipient)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        List<String> expected = new ArrayList<>(everyone);
        expected.add(latecomer);
        assertThat(perRecipient.keySet()).containsExactlyInAnyOrderElementsOf(expected).doesNotContain(leaver);
        assertThat(perRecipient.values()).containsOnly(1L);
    }

    @Test
    void aRetryOfAnEditionThatHasNothingLeftFinishesIt() {
        try (Paperboy paperboy = Paperboy.open(TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort()).build(),
                clock)) {
            paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
            paperboy.subscribers().addIfAbsent(EmailAddress.parse("ada@example.org"), SubscriberStatus.ACTIVE,
                    Subscriber.Consent.byOperator(clock.instant(), "test"));
            SendReport first = paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);
            assertThat(first.sentNow()).isEqualTo(1);

            List<SendReport> retried = paperboy.morningDelivery().sendDue();

            assertThat(retried).isEmpty();
            assertThat(greenMail.getReceivedMessages()).hasSize(1);
            assertThat(paperboy.editions().find(DATE).orElseThrow().status()).isEqualTo(Edition.Status.SENT);
        }
    }
}
