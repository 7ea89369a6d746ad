package org.paperboy.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.paperboy.config.Settings;
import org.paperboy.mail.MailSettingsException;
import org.paperboy.mail.Mailboxes;
import org.paperboy.mail.MailTransport;
import org.paperboy.mail.OutgoingMessage;
import org.paperboy.mail.SendResult;
import org.paperboy.papers.RankedPaper;
import org.paperboy.papers.Sleeper;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.SubscriberRepository;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.templates.TemplateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and delivers the edition of a day. The ledger decides who still needs it, so a run
 * can be repeated, resumed after a crash, or raced by a second sender without anyone getting
 * the edition twice. One dispatcher claims rows in small batches; {@code connections} workers,
 * each with its own SMTP connection, send them and record the server's answer per message.
 */
public final class EditionSender {

    private static final Logger log = LoggerFactory.getLogger(EditionSender.class);

    /** Rows claimed in one transaction: on H2 each commit is written through to the file. */
    static final int CLAIM_BATCH = 400;
    /** Rows handed to a connection at a time. */
    static final int HANDOFF = 50;
    /** Connection failures in a row, across workers, after which the run stops. */
    static final int UNREACHABLE_AFTER = 3;
    /** How often the dispatcher moves "sent" marks into the ledger during a run. */
    static final long FOLD_EVERY_NANOS = 1_000_000_000L;

    private final EditionPlanner planner;
    private final EditionRepository editions;
    private final DeliveryLedger ledger;
    private final EditionComposer composer;
    private final ReaderSelections readerSelections;
    private final SubscriberRepository subscribers;
    private final MailTransport.Factory transports;
    private final Settings.Sending sending;
    private final Settings.Digest digest;
    private final String messageIdDomain;
    private final Clock clock;
    private final Sleeper sleeper;
    private final java.util.Optional<java.nio.file.Path> journalDirectory;
    private volatile boolean stopRequested;
    /** Editions a run of this process is sending: the retry job leaves them to it. */
    private final Set<Long> sendingHere = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** A settings error that stopped a run: the retry job waits for new settings (a restart) instead of retrying it. */
    private volatile MailSettingsException settingsError;

    public EditionSender(EditionPlanner planner, EditionRepository editions,
                         DeliveryLedger ledger, EditionComposer composer, ReaderSelections readerSelections,
                         SubscriberRepository subscribers,
                         MailTransport.Factory transports, Settings.Sending sending, Settings.Digest digest,
                         String mailFrom, java.util.Optional<java.nio.file.Path> journalDirectory, Clock clock,
                         Sleeper sleeper) {
        this.journalDirectory = journalDirectory;
        this.planner = planner;
        this.editions = editions;
        this.ledger = ledger;
        this.composer = composer;
        this.readerSelections = readerSelections;
        this.subscribers = subscribers;
        this.transports = transports;
        this.sending = sending;
        this.digest = digest;
        this.messageIdDomain = Mailboxes.domain(mailFrom);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** The date of today's edition in the newsletter's time zone. */
    public LocalDate today() {
        return planner.today();
    }

    /** Asks a running send to stop after the messages in flight; unsent claims go back to the queue. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * The edition for {@code date}, created from the current ranking if it does not exist yet.
     *
     * @throws NothingToSendException when no paper is trending
     */
    public Edition edition(LocalDate date) {
        return editions.find(date).orElseGet(() -> editions.findOrCreate(date, planner.chooseNow()));
    }

    /** What a send would do, without writing anything or sending: renders every digest too. */
    public DryRun dryRun(LocalDate date) {
        Edition stored = editions.find(date).orElse(null);
        Map<Edition.Selection, List<RankedPaper>> rankings = stored != null ? composer.rankings(stored) : planner.chooseNow();
        Instant now = clock.instant();
        Edition edition = stored != null ? stored : new Edition(0, date, Edition.Status.SENDING, now, now, null, null);
        // every digest a subscriber could be due: both rankings at the default size and every size one can choose
        List<DeliveryLedger.Variant> variants = new ArrayList<>();
        for (Edition.Selection selection : Edition.Selection.values()) {
            variants.add(new DeliveryLedger.Variant(selection, digest.size()));
            for (int size = Preferences.MIN_SIZE; size <= Preferences.MAX_SIZE; size++) {
                variants.add(new DeliveryLedger.Variant(selection, size));
            }
        }
        EditionComposer.Prepared prepared;
        try {
            prepared = composer.prepare(edition, rankings, variants);
        } catch (TemplateException e) {
            throw new EditionFailedException("edition " + date + " would not start: " + e.getMessage(), e);
        }
        return new DryRun(date, stored != null, rankings.get(Edition.Selection.DAILY).size(),
                subscribers.countByStatus().get(SubscriberStatus.ACTIVE), variants.size(),
                prepared.subject(Edition.Selection.DAILY, digest.size()));
    }

    /** The outcome of {@link #dryRun}: what would go out, rendered but not sent. */
    public record DryRun(LocalDate date, boolean editionExists, int papers, int activeSubscribers, int digestsRendered,
                         String subject) {
    }

    /**
     * Sends the edition for {@code date} to everyone who is due it and has not received it.
     *
     * @throws EditionFailedException when the edition cannot be started (template error)
     * @throws NothingToSendException when there are no papers to send
     */
    public SendReport send(LocalDate date, SendMode mode, ProgressListener progress) {
        return send(date, mode, progress, Reach.EVERYONE);
    }

    /** As {@link #send(LocalDate, SendMode, ProgressListener)}, to the readers {@code reach} lets it reach now. */
    SendReport send(LocalDate date, SendMode mode, ProgressListener progress, Reach reach) {
        long startNanos = System.nanoTime();
        Instant runStartedAt = clock.instant();
        // marks a stopped sender left behind become sent before anything could be claimed again
        ledger.foldSent();
        recoverJournals("");
        Edition edition = edition(date);
        if (edition.status() == Edition.Status.SENT && mode == SendMode.SCHEDULED) {
            // a second digest run (another node, a catch-up) finds the edition out: it stays sent
            return new SendReport(date, edition.id(), 0, 0, 0, 0, ledger.rowCounts(edition.id()),
                    Duration.ofNanos(System.nanoTime() - startNanos), null, ReaderSelections.Report.NONE);
        }
        ReaderSelections.Report choosing = choose(edition, reach.zones());
        DeliveryLedger.Outstanding outstanding = ledger.outstanding(edition, digest.size(), reach.zones());
        EditionComposer.Prepared prepared;
        try {
            prepared = composer.prepare(edition, outstanding.variants());
        } catch (TemplateException e) {
            editions.markFailed(edition.id(), e.getMessage());
            log.error("event=edition_failed date={} reason=\"{}\"", date, e.getMessage());
            throw new EditionFailedException("edition " + date + " not started: " + e.getMessage(), e);
        }
        if (edition.status() == Edition.Status.FAILED) {
            editions.markSending(edition.id());
            edition = edition.sending();
        }
        // an edition reaches later time zones for up to a day after it started: the cut-off counts from the last morning
        Instant cutoff = reach.latestStart(edition.startedAt()).plus(sending.retryCutoff());
        if (clock.instant().isAfter(cutoff)) {
            int failed = ledger.failStale(edition.id(), "not sent: the edition is older than the retry cut-off ("
                    + sending.retryCutoff().toHours() + "h)");
            // too late for anyone without a row too: the edition is over
            Map<DeliveryLedger.State, Integer> state = ledger.rowCounts(edition.id());
            finishIfDone(edition, state, reach);
            return new SendReport(date, edition.id(), 0, 0, failed, 0, state,
                    Duration.ofNanos(System.nanoTime() - startNanos), null, choosing);
        }
        Map<DeliveryLedger.State, Integer> before = ledger.rowCounts(edition.id());
        before.merge(DeliveryLedger.State.QUEUED, outstanding.notQueued(), Integer::sum);
        boolean firstHere = sendingHere.add(edition.id());
        if (!firstHere && mode == SendMode.SCHEDULED) {
            // the digest and retry jobs meeting on one node: the run already under way sends it
            return new SendReport(date, edition.id(), 0, 0, 0, 0, before,
                    Duration.ofNanos(System.nanoTime() - startNanos), null, choosing);
        }
        String stoppedBecause;
        Run run;
        try {
            run = new Run(prepared, mode, runStartedAt, cutoff, progress, reach);
            log.info("event=edition_send_started date={} edition={} to_send={} mode={} sender={}", date, edition.id(),
                    ledger.toSend(edition, reach.zones()), mode, run.senderId);
            stoppedBecause = run.execute(before.values().stream().mapToInt(Integer::intValue).sum());
        } finally {
            if (firstHere) {
                sendingHere.remove(edition.id());
            }
        }
        if (run.settingsError.get() != null) {
            // the rows were released as they were: nobody is marked, nobody waits for a backoff
            settingsError = run.settingsError.get();
            log.error("event=edition_send_stopped date={} reason=\"{}\"", date, settingsError.getMessage());
            throw settingsError;
        }
        // a run that found everyone due with a row is over; who joined since waits for the next edition
        Map<DeliveryLedger.State, Integer> state = run.round.everyoneHasARow() ? ledger.rowCounts(edition.id())
                : ledger.progress(edition, reach.zones());
        finishIfDone(edition, state, reach);
        SendReport report = new SendReport(date, edition.id(), run.sent.get(), run.deferred.get(), run.failed.get(),
                run.skipped.get(), state, Duration.ofNanos(System.nanoTime() - startNanos), stoppedBecause, choosing);
        log.info("event=edition_send_finished date={} sent={} deferred={} failed={} still_to_send={} rate={}"
                        + " claim_conflicts={} selections_rendered={}", date, report.sentNow(), report.deferredNow(),
                report.failedNow(), report.stillToSend(), String.format("%.1f", report.ratePerSecond()),
                run.round.conflicts(), prepared.selectionsRendered());
        return report;
    }

    /** Chooses the papers of every reader due the edition now who has no row yet, unless it is past its cut-off. */
    private ReaderSelections.Report choose(Edition edition, DueZones zones) {
        if (clock.instant().isAfter(edition.startedAt().plus(sending.retryCutoff()))) {
            return ReaderSelections.Report.NONE;
        }
        return readerSelections.chooseAll(edition, zones, composer.rankings(edition), digest.size(),
                messageIdSuffix(edition));
    }

    /**
     * Whether a settings error (authentication, certificate trust, a missing STARTTLS) stopped a run
     * of this process: scheduled runs then wait for new settings, a restart, instead of logging in
     * with the same wrong ones every tick. Logged once per skipped tick.
     */
    public boolean blockedBySettings() {
        MailSettingsException error = settingsError;
        if (error != null) {
            log.warn("event=retry_skipped reason=\"{}\"", error.getMessage());
        }
        return error != null;
    }

    /**
     * Retries what is due in every edition still being sent (the scheduler's job): deferred rows
     * whose time came, claims a stopped sender left, and subscribers who have no row yet.
     */
    public List<SendReport> retryDue() {
        if (blockedBySettings()) {
            return List.of();
        }
        List<SendReport> reports = new ArrayList<>();
        for (Edition edition : editions.list(30)) {
            if (edition.status() == Edition.Status.SENDING && !sendingHere.contains(edition.id())) {
                reports.add(send(edition.date(), SendMode.SCHEDULED, ProgressListener.NONE));
            }
        }
        return reports;
    }

    /** Marks the edition sent when {@code state} has nothing left to send and no reader's morning of it is still ahead. */
    private void finishIfDone(Edition edition, Map<DeliveryLedger.State, Integer> state, Reach reach) {
        int open = state.get(DeliveryLedger.State.QUEUED) + state.get(DeliveryLedger.State.DEFERRED)
                + state.get(DeliveryLedger.State.SENDING);
        if (open == 0 && !reach.morningsAhead()) {
            editions.markSent(edition.id());
        }
    }

    private String messageIdSuffix(Edition edition) {
        return ".e" + edition.id() + "." + Long.toHexString(edition.createdAt().toEpochMilli()) + "@" + messageIdDomain;
    }

    /** One run of the send loop. */
    private final class Run {
        private final EditionComposer.Prepared prepared;
        private final SendMode mode;
        private final Instant startedAt;
        private final Instant cutoff;
        private final ProgressListener progress;
        private final Reach reach;
        private final String senderId = ledger.newSenderId();
        /** Whole claimed batches go to the workers: one hand-off per batch, not per message. */
        private final BlockingQueue<List<DeliveryLedger.Claim>> queue;
        private final RateLimiter rateLimiter = new RateLimiter(sending.ratePerSecond());
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger deferred = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicInteger skipped = new AtomicInteger();
        private final AtomicInteger connectionFailuresInARow = new AtomicInteger();
        private final AtomicReference<String> stopReason = new AtomicReference<>();
        private final AtomicReference<MailSettingsException> settingsError = new AtomicReference<>();
        private final SlowDown slowDown = new SlowDown(sending.slowDownPause(), sleeper);
        private SentJournal journal;
        private SentMarks sentMarks;
        private boolean journalFailed;
        private final ClaimFence fence = ledger.fence(senderId);
        /**
         * Under a rate cap a hand-off is about two seconds of a connection's sending, and a claim one
         * hand-off per connection twice over: a node holds no more than it can send soon, and the
         * other nodes of a cluster find the rest of the edition to claim.
         */
        private final int handoffSize = sending.ratePerSecond() > 0
                ? (int) Math.max(5, Math.min(HANDOFF, 2 * sending.ratePerSecond() / sending.connections())) : HANDOFF;
        private final int claimSize = Math.min(CLAIM_BATCH, 2 * handoffSize * sending.connections());

        private final ClaimRound round;

        Run(EditionComposer.Prepared prepared, SendMode mode, Instant startedAt, Instant cutoff,
            ProgressListener progress, Reach reach) {
            this.reach = reach;
            this.prepared = prepared;
            this.mode = mode;
            this.startedAt = startedAt;
            this.cutoff = cutoff;
            this.progress = progress;
            this.queue = new ArrayBlockingQueue<>(sending.connections());
            this.round = ledger.round(prepared.edition(), senderId, digest.size(), messageIdSuffix(prepared.edition()),
                    mode == SendMode.MANUAL, startedAt, reach.zones());
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
                    recoverJournals(senderId);
                    List<DeliveryLedger.Claim> batch = round.claim(claimSize);
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
            return stopRequested || stopReason.get() != null;
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
    }

    /** Tells a worker to stop; compared by identity. */
    private static final List<DeliveryLedger.Claim> POISON = new ArrayList<>();

    /**
     * Applies the sent journals of senders other than {@code senderId} that stopped beating:
     * after half the claim timeout, well before their claims may be taken over, and again at every
     * call until the files go, a claim timeout after that. Applying twice is harmless.
     */
    private void recoverJournals(String senderId) {
        if (journalDirectory.isEmpty()) {
            return;
        }
        try {
            List<java.nio.file.Path> files = SentJournal.othersFiles(journalDirectory.get(), senderId);
            if (files.isEmpty()) {
                return;
            }
            Instant now = clock.instant();
            java.util.Set<String> beating = fileSafe(ledger.sendersAliveSince(now.minus(sending.claimTimeout().dividedBy(2))));
            java.util.Set<String> notLongGone = fileSafe(ledger.sendersAliveSince(now.minus(sending.claimTimeout().multipliedBy(2))));
            for (java.nio.file.Path file : files) {
                String owner = SentJournal.ownerOf(file);
                if (beating.contains(owner)) {
                    continue;
                }
                List<SentMarks.Mark> marks = SentJournal.read(file);
                ledger.applySent(marks);
                log.info("event=sent_journal_recovered file={} marks={}", file.getFileName(), marks.size());
                if (!notLongGone.contains(owner)) {
                    java.nio.file.Files.deleteIfExists(file);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the sent journals in " + journalDirectory.get() + ": "
                    + e.getMessage(), e);
        }
    }

    private static java.util.Set<String> fileSafe(java.util.Set<String> senderIds) {
        java.util.Set<String> safe = new java.util.HashSet<>();
        senderIds.forEach(id -> safe.add(SentJournal.fileSafe(id)));
        return safe;
    }

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
