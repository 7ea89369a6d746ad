package org.paperboy.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.paperboy.config.Settings;
import org.paperboy.mail.MailSettingsException;
import org.paperboy.mail.Mailboxes;
import org.paperboy.mail.MailTransport;
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
 * each with its own SMTP connection, send them and record the server's answer per message;
 * one such run is an {@link EditionRun}.
 */
public final class EditionSender {

    private static final Logger log = LoggerFactory.getLogger(EditionSender.class);

    /** Rows claimed in one transaction: on H2 each commit is written through to the file. */
    static final int CLAIM_BATCH = 400;
    /** Rows handed to a connection at a time. */
    static final int HANDOFF = 50;
    /**
     * Hand-offs waiting per connection when sending at full speed. The dispatcher stops to claim
     * (about 40 ms a claim on H2) and, once a second, to move the sent marks into the ledger (100 ms
     * or more); with one hand-off waiting per connection, the connections ran dry in those pauses
     * (alternating runs, 100,000 personalised readers: 55-59 s with one, 46-53 s with four; the benchmark
     * itself moved less than the machine's noise). Under a rate cap, and on
     * PostgreSQL, where nodes on several machines share an edition, one: a node holds no more than it
     * can send soon.
     */
    static final int HANDOFFS_QUEUED = 4;
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
    /** What each {@link EditionRun} of this sender uses. */
    private final EditionRun.SendingParts parts;

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
        this.parts = new EditionRun.SendingParts(ledger, subscribers, transports, sending, digest.size(), clock, sleeper,
                journalDirectory, () -> stopRequested, this::recoverJournals);
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
        boolean firstHere = sendingHere.add(edition.id());
        if (!firstHere && mode == SendMode.SCHEDULED) {
            // the digest and retry jobs meeting on one node: the run already under way chooses and sends it
            return new SendReport(date, edition.id(), 0, 0, 0, 0, ledger.rowCounts(edition.id()),
                    Duration.ofNanos(System.nanoTime() - startNanos), null, ReaderSelections.Report.NONE);
        }
        ReaderSelections.Report choosing;
        String stoppedBecause;
        EditionRun run;
        EditionComposer.Prepared prepared;
        try {
            String messageIdSuffix = messageIdSuffix(edition);
            ReaderSelections.Chosen chosen = choose(edition, reach.zones(), messageIdSuffix);
            choosing = chosen.report();
            DeliveryLedger.Outstanding outstanding = ledger.outstanding(edition, digest.size(), reach.zones(),
                    chosen.dueWithoutRow());
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
            run = new EditionRun(parts, prepared, mode, runStartedAt, cutoff, progress, reach,
                    messageIdSuffix, new ChosenRowsWriter(readerSelections, edition, chosen.rows(), messageIdSuffix));
            // from the counts just made: a count of its own would read every due subscriber's row once more
            int toSend = before.get(DeliveryLedger.State.QUEUED) + before.get(DeliveryLedger.State.DEFERRED)
                    + before.get(DeliveryLedger.State.SENDING);
            log.info("event=edition_send_started date={} edition={} to_send={} mode={} sender={}", date, edition.id(),
                    toSend, mode, run.senderId);
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
    private ReaderSelections.Chosen choose(Edition edition, DueZones zones, String messageIdSuffix) {
        if (clock.instant().isAfter(edition.startedAt().plus(sending.retryCutoff()))) {
            return ReaderSelections.Chosen.NONE;
        }
        return readerSelections.chooseAll(edition, zones, composer.rankings(edition), digest.size(), messageIdSuffix);
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
}
