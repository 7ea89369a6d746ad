package org.paperboy.delivery;

import static org.paperboy.delivery.EditionSender.CLAIM_BATCH;
import static org.paperboy.delivery.EditionSender.FOLD_EVERY_NANOS;
import static org.paperboy.delivery.EditionSender.HANDOFF;
import static org.paperboy.delivery.EditionSender.HANDOFFS_QUEUED;
import static org.paperboy.delivery.EditionSender.UNREACHABLE_AFTER;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.paperboy.config.Settings;
import org.paperboy.mail.MailSettingsException;
import org.paperboy.mail.MailTransport;
import org.paperboy.mail.OutgoingMessage;
import org.paperboy.mail.SendResult;
import org.paperboy.papers.Sleeper;
import org.paperboy.subscriptions.SubscriberRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link EditionSender}'s send loop: the dispatcher claims rows through a
 * {@link ClaimRound} and hands them to {@code connections} worker threads, each with its own SMTP
 * connection, which send them and mark each row with the server's answer. A heartbeat keeps the
 * claims this run's; at the end, claims never sent go back to the queue.
 */
final class EditionRun {

    /** The events keep the logger they always had: operators filter on the sender's name. */
    private static final Logger log = LoggerFactory.getLogger(EditionSender.class);

    /** What every run of one {@link EditionSender} shares: its collaborators, settings and stop flag. */
    record SendingParts(DeliveryLedger ledger, SubscriberRepository subscribers, MailTransport.Factory transports,
                        Settings.Sending sending, int digestSize, Clock clock, Sleeper sleeper,
                        java.util.Optional<java.nio.file.Path> journalDirectory, BooleanSupplier stopRequested,
                        Consumer<String> recoverJournals) {
    }

    private final DeliveryLedger ledger;
    private final SubscriberRepository subscribers;
    private final MailTransport.Factory transports;
    private final Settings.Sending sending;
    private final Clock clock;
    private final Sleeper sleeper;
    private final java.util.Optional<java.nio.file.Path> journalDirectory;
    /** {@link EditionSender#requestStop}, read at every step. */
    private final BooleanSupplier stopRequested;
    /** Applies the journals of stopped senders before their claims can be taken over. */
    private final Consumer<String> recoverJournals;
    private final EditionComposer.Prepared prepared;
    private final SendMode mode;
    private final Instant startedAt;
    private final Instant cutoff;
    private final ProgressListener progress;
    private final Reach reach;
    final String senderId;
    /** Whole claimed batches go to the workers: one hand-off per batch, not per message. */
    private final BlockingQueue<List<DeliveryLedger.Claim>> queue;
    private final RateLimiter rateLimiter;
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger deferred = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger connectionFailuresInARow = new AtomicInteger();
    private final AtomicReference<String> stopReason = new AtomicReference<>();
    final AtomicReference<MailSettingsException> settingsError = new AtomicReference<>();
    private final SlowDown slowDown;
    private SentJournal journal;
    private SentMarks sentMarks;
    private boolean journalFailed;
    private final ClaimFence fence;
    /**
     * Under a rate cap a hand-off is about two seconds of a connection's sending, and a claim one
     * hand-off per connection twice over: a node holds no more than it can send soon, and the
     * other nodes of a cluster find the rest of the edition to claim.
     */
    private final int handoffSize;
    private final int claimSize;

    final ClaimRound round;
    /** Writes the chosen readers' rows while this run sends the first of them. */
    private final ChosenRowsWriter chosenRows;

    EditionRun(SendingParts parts, EditionComposer.Prepared prepared, SendMode mode, Instant startedAt,
               Instant cutoff, ProgressListener progress, Reach reach, String messageIdSuffix,
               ChosenRowsWriter chosenRows) {
        this.ledger = parts.ledger();
        this.subscribers = parts.subscribers();
        this.transports = parts.transports();
        this.sending = parts.sending();
        this.clock = parts.clock();
        this.sleeper = parts.sleeper();
        this.journalDirectory = parts.journalDirectory();
        this.stopRequested = parts.stopRequested();
        this.recoverJournals = parts.recoverJournals();
        this.senderId = ledger.newSenderId();
        this.rateLimiter = new RateLimiter(sending.ratePerSecond());
        this.slowDown = new SlowDown(sending.slowDownPause(), sleeper);
        this.fence = ledger.fence(senderId);
        this.handoffSize = sending.ratePerSecond() > 0
                ? (int) Math.max(5, Math.min(HANDOFF, 2 * sending.ratePerSecond() / sending.connections())) : HANDOFF;
        this.claimSize = Math.min(CLAIM_BATCH, 2 * handoffSize * sending.connections());
        this.reach = reach;
        this.prepared = prepared;
        this.mode = mode;
        this.startedAt = startedAt;
        this.cutoff = cutoff;
        this.progress = progress;
        this.queue = new ArrayBlockingQueue<>(
                (sending.ratePerSecond() > 0 || ledger.sharedByNodes() ? 1 : HANDOFFS_QUEUED) * sending.connections());
        this.round = ledger.round(prepared.edition(), senderId, parts.digestSize(), messageIdSuffix,
                mode == SendMode.MANUAL, startedAt, reach.zones(), chosenRows::allWritten);
        this.chosenRows = chosenRows;
    }

    /** Runs until nothing is left to claim or the run has to stop; {@code total} is for progress reports. */
    String execute(int total) {
        long editionId = prepared.edition().id();
        ledger.heartbeat(senderId);
        if (journalDirectory.isPresent()) {
            try {
                journal = SentJournal.open(journalDirectory.get(), senderId);
            } catch (java.io.IOException e) {
                log.warn("event=sent_journal_unavailable dir={} reason=\"{}\"", journalDirectory.get(), e.getMessage());
            }
        }
        sentMarks = new SentMarks(ledger, journal, clock, senderId);
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "heartbeat"));
        long beatMillis = Math.max(200, sending.claimTimeout().toMillis() / 3);
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                ledger.heartbeat(senderId);
            } catch (RuntimeException e) {
                log.warn("event=heartbeat_failed reason=\"{}\"", e.getMessage());
            }
        }, beatMillis, beatMillis, TimeUnit.MILLISECONDS);
        chosenRows.start();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < sending.connections(); i++) {
            Thread worker = new Thread(this::work, "sender-" + (i + 1));
            worker.start();
            workers.add(worker);
        }
        long lastReport = System.nanoTime();
        long start = lastReport;
        long waitingSince = 0;
        try {
            long lastFold = System.nanoTime();
            while (!stopping()) {
                if (System.nanoTime() - lastFold > FOLD_EVERY_NANOS) {
                    flushJournal();
                    ledger.foldSent();
                    lastFold = System.nanoTime();
                }
                // a stopped sender's journal is applied before its claims can be taken over
                recoverJournals.accept(senderId);
                List<DeliveryLedger.Claim> batch = round.claim(claimSize);
                if (batch.isEmpty() && !chosenRows.allWritten()) {
                    // ahead of the rows being written: wait for the next ones
                    if (chosenRows.failure() != null) {
                        stopReason.compareAndSet(null, "the chosen readers' rows could not be written: "
                                + chosenRows.failure().getMessage());
                    } else {
                        chosenRows.awaitMore(500);
                    }
                    continue;
                }
                if (batch.isEmpty()) {
                    // rows another live sender holds: wait for it to finish or for its claims to go stale
                    if (ledger.sendingElsewhere(editionId, senderId) == 0) {
                        break;
                    }
                    if (waitingSince == 0) {
                        waitingSince = System.nanoTime();
                    } else if (System.nanoTime() - waitingSince > 2 * sending.claimTimeout().toNanos()) {
                        break;
                    }
                    sleeper.sleep(Duration.ofMillis(500));
                    continue;
                }
                waitingSince = 0;
                for (int from = 0; from < batch.size() && !stopping(); from += handoffSize) {
                    List<DeliveryLedger.Claim> handoff = batch.subList(from, Math.min(batch.size(), from + handoffSize));
                    while (!queue.offer(handoff, 100, TimeUnit.MILLISECONDS)) {
                        if (stopping()) {
                            break;
                        }
                    }
                }
                long now = System.nanoTime();
                if (now - lastReport > 1_000_000_000L) {
                    progress.onProgress(done(), total, done() / ((now - start) / 1e9));
                    lastReport = now;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopReason.compareAndSet(null, "interrupted");
        } finally {
            chosenRows.stop();
            for (int i = 0; i < workers.size(); i++) {
                putPoison();
            }
            for (Thread worker : workers) {
                joinQuietly(worker);
            }
            stopHeartbeat(heartbeat);
            flushJournal();
            if (journalFailed) {
                // the ledger does not know all that was sent: the claims stay, and the journal
                // is applied by the next sender before it takes them over
                stopReason.compareAndSet(null, "the sent journal could not be applied to the database");
            } else {
                closeJournal();
                // claims taken but never sent go back to the queue for the next run
                int released = ledger.release(senderId, editionId);
                if (released > 0) {
                    log.info("event=claims_released count={}", released);
                }
                ledger.retire(senderId);
            }
        }
        progress.onProgress(done(), total, done() / Math.max(1e-9, (System.nanoTime() - start) / 1e9));
        return stopReason.get();
    }

    /** Moves what the journal holds into the ledger, then drops that file. */
    private void flushJournal() {
        if (journal == null || journalFailed) {
            return;
        }
        try {
            SentJournal.Segment segment = journal.rotate();
            ledger.applySent(segment.marks());
            java.nio.file.Files.deleteIfExists(segment.file());
        } catch (java.io.IOException | RuntimeException e) {
            journalFailed = true;
            stopReason.compareAndSet(null, "the sent journal could not be applied: " + e.getMessage());
            log.error("event=sent_journal_failed reason=\"{}\"", e.getMessage(), e);
        }
    }

    private void closeJournal() {
        if (journal != null) {
            try {
                journal.close();
            } catch (java.io.IOException e) {
                log.warn("event=sent_journal_close_failed reason=\"{}\"", e.getMessage());
            }
        }
    }

    private int done() {
        return sent.get() + failed.get() + deferred.get() + skipped.get();
    }

    private boolean stopping() {
        return stopRequested.getAsBoolean() || stopReason.get() != null;
    }

    private void work() {
        try (MailTransport transport = transports.open()) {
            while (true) {
                List<DeliveryLedger.Claim> batch = queue.take();
                if (batch == POISON) {
                    return;
                }
                ClaimFence.Check held = fence.check(batch);
                for (int i = 0; i < batch.size(); i++) {
                    if (stopping()) {
                        break; // the rest is released in bulk at the end
                    }
                    deliver(transport, batch, i, held);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("event=sender_crashed reason=\"{}\"", e.toString(), e);
            stopReason.compareAndSet(null, "sender failed: " + e);
        }
    }

    /** Sends the claimed message at {@code index} of this connection's hand-off, if the row is still this sender's. */
    private void deliver(MailTransport transport, List<DeliveryLedger.Claim> batch, int index, ClaimFence.Check held)
            throws InterruptedException {
        DeliveryLedger.Claim claim = batch.get(index);
        DeliveryLedger.Claim next = index + 1 < batch.size() ? batch.get(index + 1) : null;
        OutgoingMessage message = prepared.compose(claim);
        slowDown.awaitTurn();
        rateLimiter.acquire();
        // right before the message goes out: a pause since the claim may have handed the row to another sender
        switch (held.of(index)) {
            case LOST -> {
                if (stopReason.compareAndSet(null, "claims lost to another sender (paused longer than the claim timeout)")) {
                    log.warn("event=claims_lost sender={} delivery={}", senderId, claim.deliveryId());
                }
                return;
            }
            case LEFT -> {
                if (ledger.markSkipped(claim.deliveryId(), senderId, "subscriber no longer active")) {
                    skipped.incrementAndGet();
                }
                return;
            }
            case HELD -> { }
        }
        SendResult result;
        try {
            result = transport.send(message, next == null || stopping() ? null : prepared.envelope(next));
        } catch (MailSettingsException e) {
            // not the recipient's fault: the claim is released untouched when the run stops
            settingsError.compareAndSet(null, e);
            stopReason.compareAndSet(null, e.getMessage());
            return;
        }
        if (result instanceof SendResult.Accepted accepted) {
            sentMarks.markSent(claim.deliveryId(), accepted.reply());
            sent.incrementAndGet();
            connectionFailuresInARow.set(0);
            slowDown.reset();
        } else if (result instanceof SendResult.Rejected rejected) {
            if (ledger.markFailed(claim.deliveryId(), senderId, rejected.reply())) {
                failed.incrementAndGet();
            }
            connectionFailuresInARow.set(0);
            if (rejected.addressRefused()) {
                subscribers.markBounced(claim.subscriberId(), rejected.reply());
            }
            log.warn("event=delivery_rejected delivery={} code={} reply=\"{}\"", claim.deliveryId(),
                    rejected.code(), rejected.reply());
        } else if (result instanceof SendResult.Deferred later) {
            defer(claim, later);
            if (later.slowDown()) {
                slowDown.signal();
            }
            if (later.code() < 0 && connectionFailuresInARow.incrementAndGet() >= UNREACHABLE_AFTER) {
                stopReason.compareAndSet(null, "SMTP server unreachable: " + later.reply());
            }
        }
    }

    private void defer(DeliveryLedger.Claim claim, SendResult.Deferred result) {
        List<Duration> backoff = sending.retryBackoff();
        Duration wait = backoff.get(Math.min(claim.attempts(), backoff.size()) - 1);
        Instant next = clock.instant().plus(wait);
        if (next.isAfter(cutoff) || next.isAfter(reach.deadline(claim.subscriberId()))) {
            if (ledger.markFailed(claim.deliveryId(), senderId, "gave up at the retry cut-off; last reply: "
                    + result.reply())) {
                failed.incrementAndGet();
            }
        } else if (ledger.markDeferred(claim.deliveryId(), senderId, result.reply(), next)) {
            deferred.incrementAndGet();
        }
        log.info("event=delivery_deferred delivery={} attempts={} reply=\"{}\"", claim.deliveryId(),
                claim.attempts(), result.reply());
    }

    private void putPoison() {
        try {
            queue.put(POISON);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells a worker to stop; compared by identity. */
    private static final List<DeliveryLedger.Claim> POISON = new ArrayList<>();

    /** Lets a heartbeat in progress finish: interrupting a thread inside H2's file I/O closes the database file. */
    private static void stopHeartbeat(ScheduledExecutorService heartbeat) {
        heartbeat.shutdown();
        try {
            heartbeat.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
