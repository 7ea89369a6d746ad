package org.paperboy.delivery;

import static org.paperboy.store.SqlValues.setDate;
import static org.paperboy.store.SqlValues.setInstant;
import static org.paperboy.store.SqlValues.setText;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.paperboy.store.Database;
import org.paperboy.store.StoreException;

/**
 * The delivery ledger: one row per (edition, subscriber). A row is claimed in the database
 * before its message goes out and marked sent as soon as the server accepts it, so a re-run
 * or a second sender never sends it again. Claims of a sender whose heartbeat stopped are
 * taken over after the claim timeout. This class is the ledger's face to the rest of the code;
 * a sender's claiming pass lives in {@link ClaimRound}, and the counting behind the reports
 * ({@link #progress}, {@link #problems}) in {@link LedgerReports}.
 */
public final class DeliveryLedger {

    /** The states of a delivery row. */
    public enum State {
        QUEUED, SENDING, SENT, DEFERRED, FAILED, SKIPPED;

        String dbValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State fromDb(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** A delivery this sender claimed and now owns. */
    public record Claim(long deliveryId, long subscriberId, String email, String messageId,
                        Edition.Selection selection, int digestSize, int attempts, long selectionId) {
    }

    /** A delivery that has not gone out, with the last thing the server said. */
    public record Problem(String email, State state, int attempts, String lastReply, Instant nextAttemptAt) {
    }

    /** A distinct digest to render for an edition: which ranking, how many papers. */
    public record Variant(Edition.Selection selection, int size) {
    }

    /** A row still held by the sender bound to its one parameter: every update of a claimed row is fenced by it. */
    private static final String HELD = "claimed_by = ? and state = 'sending'";

    /** The width of the {@code last_reply} and {@code delivery_sent.reply} columns. */
    private static final int REPLY_LENGTH = 1000;

    private final Database database;
    private final Clock clock;
    private final Duration claimTimeout;
    private final String nodeId;
    private final LedgerReports reports;

    /** {@code nodeId}: this process's id in the cluster; the id of each of its senders starts with it. */
    public DeliveryLedger(Database database, Clock clock, Duration claimTimeout, String nodeId) {
        this.database = database;
        this.clock = clock;
        this.claimTimeout = claimTimeout;
        this.nodeId = nodeId;
        this.reports = new LedgerReports(database);
    }

    /** A new sender id of this node: {@code node/random}, at most 64 characters. */
    String newSenderId() {
        return NodeDeliveries.senderId(nodeId);
    }

    /** The edition's deliveries per node: sent, and claimed right now. */
    public Map<String, NodeDeliveries.Counts> byNode(long editionId) {
        return new NodeDeliveries(database).byNode(editionId);
    }

    /**
     * Who is due an edition and has no row in it yet: active, not paused on its date, daily or
     * weekly on its weekday. Their rows are made as a sender claims them ({@link ClaimRound}), so a run
     * starts sending at once instead of first writing a row for everyone. Ordered by
     * {@code s.status, s.id}, rows come in the order of the {@code (status, id)} index, so a limit
     * stops the scan early instead of sorting. Parameters: the edition's date, its weekday, the
     * edition id; then those of the {@link DueZones} condition that follows it.
     */
    static final String DUE_WITHOUT_ROW = """
            s.status = 'active'
            and (s.paused_until is null or s.paused_until <= ?)
            and (s.frequency = 'daily' or s.weekly_day = ?)
            and not exists (select 1 from deliveries d where d.edition_id = ? and d.subscriber_id = s.id)""";

    /** The ranking a subscriber's digest is cut from, as stored in {@code deliveries.selection}. */
    static final String SELECTION = "case when s.frequency = 'weekly' then 'weekly' else 'daily' end";

    static int bindDue(PreparedStatement ps, int i, Edition edition, DueZones zones) throws SQLException {
        setDate(ps, i++, edition.date());
        ps.setString(i++, edition.date().getDayOfWeek().name());
        ps.setLong(i++, edition.id());
        return zones.bind(ps, i);
    }

    /** What is left to send of an edition: the digests it needs, and how many due subscribers have no row yet. */
    record Outstanding(List<Variant> variants, int notQueued) {
    }

    /** See {@link LedgerReports#outstanding}. */
    Outstanding outstanding(Edition edition, int defaultSize, DueZones zones) {
        return reports.outstanding(edition, defaultSize, zones, null);
    }

    /** See {@link LedgerReports#outstanding}: who is due without a row is known, from the choosing just done. */
    Outstanding outstanding(Edition edition, int defaultSize, DueZones zones, Outstanding dueWithoutRow) {
        return reports.outstanding(edition, defaultSize, zones, dueWithoutRow);
    }

    /**
     * Whether nodes on several machines may claim from this ledger at once, each taking the next free
     * rows (PostgreSQL): a node then holds no more claims than it needs right now.
     */
    boolean sharedByNodes() {
        return database.vendor() == Database.Vendor.POSTGRESQL;
    }

    /** Records that {@code senderId} is alive; claims of silent senders are taken over. */
    public void heartbeat(String senderId) {
        Instant now = clock.instant();
        database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "update delivery_senders set heartbeat_at = ? where sender_id = ?")) {
                setInstant(update, 1, now);
                update.setString(2, senderId);
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into delivery_senders (sender_id, started_at, heartbeat_at) values (?, ?, ?)")) {
                insert.setString(1, senderId);
                setInstant(insert, 2, now);
                setInstant(insert, 3, now);
                insert.executeUpdate();
            }
            return null;
        });
    }

    public void retire(String senderId) {
        database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("delete from delivery_senders where sender_id = ?")) {
                ps.setString(1, senderId);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Starts {@code senderId}'s pass through an edition; see {@link ClaimRound}.
     *
     * @param defaultSize      the digest size of subscribers who chose none
     * @param messageIdSuffix  what follows the subscriber id in the Message-IDs of new rows
     * @param retryDeferredNow take rows deferred before this run started whatever their next
     *                         attempt time (an operator's {@code send}); rows deferred during the
     *                         run wait for their time
     * @param zones            the readers this round may make rows for, by time zone
     * @param chosenRowsWritten whether the rows of the readers chosen for this run are all written:
     *                         until then nobody is given the general list, since a chosen reader
     *                         without their row yet would be taken for one of its readers
     */
    ClaimRound round(Edition edition, String senderId, int defaultSize, String messageIdSuffix,
                     boolean retryDeferredNow, Instant runStartedAt, DueZones zones,
                     BooleanSupplier chosenRowsWritten) {
        return new ClaimRound(database, clock, claimTimeout, edition, senderId, defaultSize, messageIdSuffix,
                retryDeferredNow, runStartedAt, zones, chosenRowsWritten);
    }

    /** The Message-ID of a subscriber's row in an edition: the same whoever makes the row, and on every retry. */
    static String messageId(Edition edition, long subscriberId, String messageIdSuffix) {
        return "<" + edition.date() + "." + subscriberId + messageIdSuffix + ">";
    }

    /** Rows of the edition being sent right now by senders other than {@code senderId}. */
    public int sendingElsewhere(long editionId, String senderId) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "select count(*) from deliveries where edition_id = ? and state = 'sending' and claimed_by <> ?")) {
                ps.setLong(1, editionId);
                ps.setString(2, senderId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Checks, for {@code senderId}'s connections, that the rows they are about to send are still theirs. */
    ClaimFence fence(String senderId) {
        return new ClaimFence(database, senderId);
    }

    /** Skips a claimed row whose subscriber left while it waited to be sent; false if the row is no longer the sender's. */
    public boolean markSkipped(long deliveryId, String senderId, String reason) {
        Instant now = clock.instant();
        return finish(deliveryId, senderId, "update deliveries set state = 'skipped', last_reply = ?, updated_at = ?,"
                + " next_attempt_at = ? where id = ? and " + HELD, reason, now, null);
    }

    /**
     * Records several rows as sent in one transaction (see {@link SentMarks}): a narrow row each in
     * {@code delivery_sent}, which {@link #foldSent} later moves into the ledger. Only rows still
     * claimed by {@code senderId} are marked: a sender that lost a row writes nothing over the
     * result of the sender that took it over.
     *
     * @return how many of the marks were written
     */
    int markSentAll(List<SentMarks.Mark> marks, String senderId) {
        if (marks.isEmpty()) {
            return 0;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return database.inTransaction(connection -> {
                    try (PreparedStatement ps = connection.prepareStatement("""
                            insert into delivery_sent (delivery_id, reply, sent_at)
                            select d.id, ?, ? from deliveries d
                            where d.id = ? and d.claimed_by = ? and d.state = 'sending'
                              and not exists (select 1 from delivery_sent m where m.delivery_id = d.id)""")) {
                        for (SentMarks.Mark mark : marks) {
                            setText(ps, 1, mark.reply(), REPLY_LENGTH);
                            setInstant(ps, 2, mark.at());
                            ps.setLong(3, mark.deliveryId());
                            ps.setString(4, senderId);
                            ps.addBatch();
                        }
                        int written = 0;
                        for (int count : ps.executeBatch()) {
                            written += Math.max(0, count);
                        }
                        return written;
                    }
                });
            } catch (StoreException e) {
                // a row taken over and marked by its new sender at the same moment: the next look skips it
                if (attempt >= 3 || !isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    /** Writes marks from a sent journal into their ledger rows, in one transaction; repeating it is harmless. */
    void applySent(List<SentMarks.Mark> marks) {
        if (marks.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        database.inTransaction(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    update deliveries set state = 'sent', last_reply = ?, sent_at = ?, updated_at = ?
                    where id = ? and state <> 'sent'""")) {
                for (SentMarks.Mark mark : marks) {
                    setText(ps, 1, mark.reply(), REPLY_LENGTH);
                    setInstant(ps, 2, mark.at());
                    setInstant(ps, 3, now);
                    ps.setLong(4, mark.deliveryId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** The senders whose heartbeat is newer than {@code since}. */
    Set<String> sendersAliveSince(Instant since) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "select sender_id from delivery_senders where heartbeat_at >= ?")) {
                setInstant(ps, 1, since);
                Set<String> alive = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        alive.add(rs.getString(1));
                    }
                }
                return alive;
            }
        });
    }

    Duration claimTimeout() {
        return claimTimeout;
    }

    /** Sent marks moved into the ledger per transaction. */
    static final int FOLD_BATCH = 1000;

    /**
     * Moves sent marks into their ledger rows (state, reply, time) and drops them, in batches.
     * Safe to run at any time and from several processes: only the marks it read are moved.
     *
     * @return how many rows became sent
     */
    public int foldSent() {
        int total = 0;
        while (true) {
            int folded = database.inTransaction(connection -> {
                List<Long> ids = new ArrayList<>();
                try (PreparedStatement ps = connection.prepareStatement(
                        "select delivery_id from delivery_sent order by delivery_id limit " + FOLD_BATCH);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                if (ids.isEmpty()) {
                    return 0;
                }
                String in = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
                try (PreparedStatement update = connection.prepareStatement("""
                        update deliveries set state = 'sent',
                            last_reply = (select m.reply from delivery_sent m where m.delivery_id = deliveries.id),
                            sent_at = (select m.sent_at from delivery_sent m where m.delivery_id = deliveries.id),
                            updated_at = ?
                        where id in (""" + in + ")");
                     PreparedStatement delete = connection.prepareStatement(
                             "delete from delivery_sent where delivery_id in (" + in + ")")) {
                    setInstant(update, 1, clock.instant());
                    for (int i = 0; i < ids.size(); i++) {
                        update.setLong(i + 2, ids.get(i));
                        delete.setLong(i + 1, ids.get(i));
                    }
                    update.executeUpdate();
                    delete.executeUpdate();
                }
                return ids.size();
            });
            total += folded;
            if (folded < FOLD_BATCH) {
                return total;
            }
        }
    }

    /** Defers a claimed row; false (nothing written) if the row is no longer {@code senderId}'s. */
    public boolean markDeferred(long deliveryId, String senderId, String reply, Instant nextAttemptAt) {
        return finish(deliveryId, senderId, "update deliveries set state = 'deferred', last_reply = ?, next_attempt_at = ?,"
                + " updated_at = ? where id = ? and " + HELD, reply, nextAttemptAt, clock.instant());
    }

    /** Fails a claimed row; false (nothing written) if the row is no longer {@code senderId}'s. */
    public boolean markFailed(long deliveryId, String senderId, String reply) {
        Instant now = clock.instant();
        return finish(deliveryId, senderId, "update deliveries set state = 'failed', last_reply = ?, updated_at = ?,"
                + " next_attempt_at = ? where id = ? and " + HELD, reply, now, null);
    }

    /** Gives rows claimed by {@code senderId} but never sent back to the queue (on a clean stop). */
    public int release(String senderId, long editionId) {
        foldSent();
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    update deliveries d set state = 'queued', claimed_by = null, attempts = attempts - 1
                    where d.edition_id = ? and d.claimed_by = ? and d.state = 'sending'
                      and not exists (select 1 from delivery_sent m where m.delivery_id = d.id)""")) {
                ps.setLong(1, editionId);
                ps.setString(2, senderId);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Fails every row still deferred in an edition that started before {@code startedBefore}:
     * a digest that late is stale, and is not sent at all.
     */
    public int failStale(long editionId, String reason) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    update deliveries set state = 'failed', updated_at = ?, next_attempt_at = null,
                        last_reply = ? || coalesce(last_reply, 'no reply')
                    where edition_id = ? and state in ('deferred', 'queued')""")) {
                setInstant(ps, 1, clock.instant());
                ps.setString(2, reason + "; last reply: ");
                ps.setLong(3, editionId);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * How far an edition is: its rows by state. While the edition is being sent, subscribers due
     * it who have no row yet count as queued: the next run makes their rows and sends them.
     */
    public Map<State, Integer> progress(Edition edition) {
        return progress(edition, DueZones.EVERYONE);
    }

    /** As {@link #progress(Edition)}, counting only the readers {@code zones} lets the edition reach now. */
    Map<State, Integer> progress(Edition edition, DueZones zones) {
        return reports.progress(edition, zones);
    }

    /** The edition's rows by state, without the subscribers who have none yet. */
    Map<State, Integer> rowCounts(long editionId) {
        return reports.rowCounts(editionId);
    }

    /** Deferred and failed deliveries of an edition with their last reply, oldest first. */
    public List<Problem> problems(long editionId, int limit) {
        return reports.problems(editionId, limit);
    }

    private boolean finish(long deliveryId, String senderId, String sql, String reply, Instant a, Instant b) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                setText(ps, 1, reply, REPLY_LENGTH);
                setInstant(ps, 2, a);
                setInstant(ps, 3, b);
                ps.setLong(4, deliveryId);
                ps.setString(5, senderId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
