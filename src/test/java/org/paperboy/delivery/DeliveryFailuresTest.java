package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.ScriptedSmtpServer;
import org.paperboy.testing.TestSettings;

/** Sending against servers that refuse, defer, hang up or are not there at all. */
class DeliveryFailuresTest {

    static final LocalDate DATE = LocalDate.parse("2026-11-26");

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    final List<Paperboy> opened = new ArrayList<>();
    ScriptedSmtpServer server;

    @AfterEach
    void close() throws IOException {
        opened.forEach(Paperboy::close);
        if (server != null) {
            server.close();
        }
    }

    private Paperboy open(TestSettings settings) {
        Paperboy paperboy = Paperboy.open(settings.build(), clock);
        opened.add(paperboy);
        return paperboy;
    }

    private List<String> subscribe(Paperboy paperboy, String prefix, int count) {
        List<String> emails = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String email = String.format("%s%02d@example.org", prefix, i);
            paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                    Subscriber.Consent.byOperator(clock.instant(), "test"));
            emails.add(email);
        }
        return emails;
    }

    private static SubscriberStatus status(Paperboy paperboy, String email) {
        return paperboy.subscribers().findByEmail(EmailAddress.parse(email)).orElseThrow().status();
    }

    /** One command at a time; MAIL, RCPT and DATA in one write; and a server that takes DATA after refusing RCPT. */
    enum Dialogue { ONE_AT_A_TIME, PIPELINED, PIPELINED_DATA_WITHOUT_RECIPIENTS }

    private static ScriptedSmtpServer speaking(Dialogue dialogue) throws IOException {
        ScriptedSmtpServer server = new ScriptedSmtpServer();
        return switch (dialogue) {
            case ONE_AT_A_TIME -> server;
            case PIPELINED -> server.pipelining();
            case PIPELINED_DATA_WITHOUT_RECIPIENTS -> server.pipelining().dataWithoutRecipients();
        };
    }

    @ParameterizedTest
    @EnumSource(Dialogue.class)
    void deferredRecipientsGetTheEditionOnRetryWhileRefusedOnesFailAndBounceAndNobodyElseIsTouched(Dialogue dialogue)
            throws Exception {
        server = speaking(dialogue).replyToRecipient(rcpt -> rcpt.startsWith("busy")
                ? "451 4.7.1 Greylisted, try again later"
                : rcpt.startsWith("gone") ? "550 5.1.1 No such user here" : "250 2.1.5 Ok");
        Paperboy paperboy = open(TestSettings.in(dir).smtpPort(server.port()).with("SEND_CONNECTIONS", "2"));
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        List<String> fine = subscribe(paperboy, "fine", 6);
        List<String> busy = subscribe(paperboy, "busy", 2);
        List<String> gone = subscribe(paperboy, "gone", 2);

        SendReport first = paperboy.sender().send(DATE, SendMode.SCHEDULED, ProgressListener.NONE);

        assertThat(first.sentNow()).isEqualTo(6);
        assertThat(first.deferredNow()).isEqualTo(2);
        assertThat(first.failedNow()).isEqualTo(2);
        assertThat(server.recipients()).containsExactlyInAnyOrderElementsOf(fine);
        gone.forEach(email -> assertThat(status(paperboy, email)).isEqualTo(SubscriberStatus.BOUNCED));
        busy.forEach(email -> assertThat(status(paperboy, email)).isEqualTo(SubscriberStatus.ACTIVE));
        long editionId = first.editionId();
        assertThat(paperboy.ledger().problems(editionId, 10))
                .extracting(DeliveryLedger.Problem::email, DeliveryLedger.Problem::state)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(busy.get(0), DeliveryLedger.State.DEFERRED),
                        org.assertj.core.groups.Tuple.tuple(busy.get(1), DeliveryLedger.State.DEFERRED),
                        org.assertj.core.groups.Tuple.tuple(gone.get(0), DeliveryLedger.State.FAILED),
                        org.assertj.core.groups.Tuple.tuple(gone.get(1), DeliveryLedger.State.FAILED));
        assertThat(paperboy.ledger().problems(editionId, 10)).allSatisfy(p -> assertThat(p.lastReply())
                .containsAnyOf("451 4.7.1 Greylisted", "550 5.1.1 No such user"));

        // the greylisting ends; the scheduler's retry waits for the backoff (5 minutes by default)
        server.replyToRecipient(rcpt -> rcpt.startsWith("gone") ? "550 5.1.1 No such user here" : "250 2.1.5 Ok");
        List<SendReport> early = paperboy.morningDelivery().sendDue();
        assertThat(early).allSatisfy(r -> assertThat(r.sentNow()).isZero());
        clock.advance(Duration.ofMinutes(6));
        List<SendReport> retried = paperboy.morningDelivery().sendDue();

        assertThat(retried).hasSize(1);
        assertThat(retried.get(0).sentNow()).isEqualTo(2);
        List<String> expected = new ArrayList<>(fine);
        expected.addAll(busy);
        assertThat(server.recipients()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(paperboy.editions().find(DATE).orElseThrow().status()).isEqualTo(Edition.Status.SENT);
        assertThat(paperboy.ledger().progress(paperboy.editions().find(DATE).orElseThrow()))
                .containsEntry(DeliveryLedger.State.SENT, 8).containsEntry(DeliveryLedger.State.FAILED, 2);
    }

    @Test
    void anEditionSentWhileTheServerIsDownIsDeferredLosesNobodyAndALaterRunCompletesIt() throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = probe.getLocalPort();
        }
        String dbUrl = "jdbc:h2:file:" + dir.resolve("down").toAbsolutePath();
        Paperboy down = open(TestSettings.in(dir).with("DB_URL", dbUrl).smtpPort(deadPort));
        down.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        List<String> everyone = subscribe(down, "reader", 12);

        SendReport whileDown = down.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);

        assertThat(whileDown.sentNow()).isZero();
        assertThat(whileDown.failedNow()).isZero();
        assertThat(whileDown.stoppedBecause()).startsWith("SMTP server unreachable");
        assertThat(whileDown.stillToSend()).isEqualTo(12);
        // the run stops after a few connection failures in a row; the rest were never tried
        assertThat(whileDown.ledger().get(DeliveryLedger.State.DEFERRED)).isPositive();
        assertThat(whileDown.ledger().get(DeliveryLedger.State.DEFERRED) + whileDown.ledger().get(DeliveryLedger.State.QUEUED))
                .isEqualTo(12);
        assertThat(down.editions().find(DATE).orElseThrow().status()).isEqualTo(Edition.Status.SENDING);
        down.close();
        opened.remove(down);

        server = new ScriptedSmtpServer();
        clock.advance(Duration.ofMinutes(1)); // before the backoff ends: an operator's send retries at once
        Paperboy up = open(TestSettings.in(dir).with("DB_URL", dbUrl).smtpPort(server.port()));
        SendReport later = up.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);

        assertThat(later.sentNow()).isEqualTo(12);
        assertThat(later.hadFailures()).isFalse();
        assertThat(server.recipients()).containsExactlyInAnyOrderElementsOf(everyone);
        assertThat(up.editions().find(DATE).orElseThrow().status()).isEqualTo(Edition.Status.SENT);
    }

    @ParameterizedTest
    @EnumSource(value = Dialogue.class, names = {"ONE_AT_A_TIME", "PIPELINED"})
    void connectionsReopenAfterTheServerHangsUpWithoutLosingOrRepeatingAMessage(Dialogue dialogue) throws Exception {
        server = speaking(dialogue).closeAfterMessages(3);
        Paperboy paperboy = open(TestSettings.in(dir).smtpPort(server.port()).with("SEND_CONNECTIONS", "2"));
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        List<String> everyone = subscribe(paperboy, "reader", 20);

        SendReport report = paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);

        assertThat(report.sentNow()).isEqualTo(20);
        assertThat(report.hadFailures()).isFalse();
        assertThat(server.recipients()).containsExactlyInAnyOrderElementsOf(everyone);
        assertThat(server.connections()).isGreaterThanOrEqualTo(7);
        assertThat(server.received()).allSatisfy(r -> assertThat(server.received().stream()
                .filter(o -> o.connection() == r.connection()).count()).isLessThanOrEqualTo(3));
    }

    @ParameterizedTest
    @EnumSource(value = Dialogue.class, names = {"ONE_AT_A_TIME", "PIPELINED"})
    void aConnectionIsReopenedAfterTheConfiguredNumberOfMessages(Dialogue dialogue) throws Exception {
        server = speaking(dialogue);
        Paperboy paperboy = open(TestSettings.in(dir).smtpPort(server.port())
                .with("SEND_CONNECTIONS", "1").with("SEND_MESSAGES_PER_CONNECTION", "4"));
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        List<String> everyone = subscribe(paperboy, "reader", 10);

        paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);

        assertThat(server.recipients()).containsExactlyInAnyOrderElementsOf(everyone);
        assertThat(server.connections()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(value = Dialogue.class, names = {"ONE_AT_A_TIME", "PIPELINED"})
    void anUnsubscribeDuringTheEditionStopsThatSubscribersMessage(Dialogue dialogue) throws Exception {
        server = speaking(dialogue);
        Paperboy paperboy = open(TestSettings.in(dir).smtpPort(server.port())
                .with("SEND_CONNECTIONS", "1").with("SEND_RATE", "25"));
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        List<String> everyone = subscribe(paperboy, "reader", 30);
        String leaver = everyone.get(19);
        long leaverId = paperboy.subscribers().findByEmail(EmailAddress.parse(leaver)).orElseThrow().id();

        CompletableFuture<SendReport> running = CompletableFuture.supplyAsync(
                () -> paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE));
        // every row is claimed by now (one batch), so the message waits in the queue
        await().atMost(10, TimeUnit.SECONDS).until(() -> server.received().size() >= 3);
        paperboy.subscribers().setStatus(leaverId, SubscriberStatus.UNSUBSCRIBED);
        SendReport report = running.get(20, TimeUnit.SECONDS);

        assertThat(server.recipients()).hasSize(29).doesNotContain(leaver);
        assertThat(report.skippedNow()).isEqualTo(1);
        assertThat(report.ledger()).containsEntry(DeliveryLedger.State.SKIPPED, 1)
                .containsEntry(DeliveryLedger.State.SENT, 29);
        if (dialogue == Dialogue.PIPELINED) {
            // the leaver's MAIL, RCPT and DATA went out early with the message before; the
            // connection was dropped instead of sending the message, and a new one took the rest
            assertThat(server.connections()).isEqualTo(2);
        }
    }
}
