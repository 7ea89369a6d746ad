package org.paperboy.delivery;

import static org.paperboy.store.SqlValues.getInstant;
import static org.paperboy.store.SqlValues.setDate;
import static org.paperboy.store.SqlValues.setInstant;
import static org.paperboy.store.SqlValues.setText;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.paperboy.store.Database;
import org.paperboy.store.StoreException;

/**
 * The delivery ledger: one row per (edition, subscriber). A row is claimed in the database
 * before its message goes out and marked sent as soon as the server accepts it, so a re-run
 * or a second sender never sends it again. Claims of a sender whose heartbeat stopped are
 * taken over after the claim timeout.
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
                        Edition.Selection selection, int digestSize, int attempts) {
    }

    /** A delivery that has not gone out, with the last thing the server said. */
    public record Problem(String email, State state, int attempts, String lastReply, Instant nextAttemptAt) {
    }

    /** A distinct digest to render for an edition: which ranking, how many papers. */
    public record Variant(Edition.Selection selection, int size) {
    }

    private static final String CLAIMABLE = """
            (d.state = 'queued'
             or (d.state = 'deferred' and (d.next_attempt_at <= ? or (? and d.updated_at < ?)))
             or (d.state = 'sending' and d.claimed_by <> ? and not exists (
                   select 1 from delivery_senders ds where ds.sender_id = d.claimed_by and ds.heartbeat_at >= ?)
                 and not exists (select 1 from delivery_sent m where m.delivery_id = d.id)))""";

    /** The width of the {@code last_reply} and {@code delivery_sent.reply} columns. */
    private static final int REPLY_LENGTH = 1000;

    private final Database database;
    private final Clock clock;
    private final Duration claimTimeout;

    public DeliveryLedger(Database database, Clock clock, Duration claimTimeout) {
        this.database = database;
        this.clock = clock;
        this.claimTimeout = claimTimeout;
    }

    /**
     * Adds a queued row for every active subscriber due a digest on {@code date} who has no row
     * for this edition yet. Returns the number of rows added.
     */
    public int enqueue(Edition edition, int defaultSize, String messageIdSuffix) {
        long[] range = database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "select min(id), max(id) from subscribers where status = 'active'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        });
        int added = 0;
        // slices of the id range, each its own statement and commit: one huge transaction costs more
        // than its parts on H2, and holds every new row in memory until it commits
        for (long from = range[0]; from <= range[1] && range[1] > 0; from += ENQUEUE_SLICE) {
            added += enqueueSlice(edition, defaultSize, messageIdSuffix, from, from + ENQUEUE_SLICE - 1);
        }
        return added;
    }

    /** Subscriber ids per statement when queueing an edition. */
    static final long ENQUEUE_SLICE = 5_000;

    private int enqueueSlice(Edition edition, int defaultSize, String messageIdSuffix, long fromId, long toId) {
        LocalDate date = edition.date();
        String sql = """
                insert into deliveries (edition_id, subscriber_id, state, selection, digest_size, message_id,
                    attempts, updated_at)
                select ?, s.id, 'queued', case when s.frequency = 'weekly' then 'weekly' else 'daily' end,
                    coalesce(s.digest_size, ?), '<' || ? || '.' || cast(s.id as varchar(20)) || ? || '>', 0, ?
                from subscribers s
                where s.id between ? and ?
                  and s.status = 'active'
                  and (s.paused_until is null or s.paused_until <= ?)
                  and (s.frequency = 'daily' or s.weekly_day = ?)
                  and not exists (select 1 from deliveries d where d.edition_id = ? and d.subscriber_id = s.id)""";
        for (int attempt = 1; ; attempt++) {
            try {
                return database.withConnection(connection -> {
                    try (PreparedStatement ps = connection.prepareStatement(sql)) {
                        int i = 1;
                        ps.setLong(i++, edition.id());
                        ps.setInt(i++, defaultSize);
                        ps.setString(i++, date.toString());
                        ps.setString(i++, messageIdSuffix);
                        setInstant(ps, i++, clock.instant());
                        ps.setLong(i++, fromId);
                        ps.setLong(i++, toId);
                        setDate(ps, i++, date);
                        ps.setString(i++, date.getDayOfWeek().name());
                        ps.setLong(i, edition.id());
                        return ps.executeUpdate();
                    }
                });
            } catch (StoreException e) {
                // a second sender enqueued the same subscriber at the same moment: run again
                if (attempt >= 3 || !isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    /** The digests to render for the rows still to be sent in this edition. */
    public List<Variant> pendingVariants(long editionId) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    select distinct selection, digest_size from deliveries
                    where edition_id = ? and state in ('queued', 'deferred', 'sending')
                    order by selection, digest_size""")) {
                ps.setLong(1, editionId);
                List<Variant> variants = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        variants.add(new Variant(Edition.Selection.fromDb(rs.getString(1)), rs.getInt(2)));
                    }
                }
                return variants;
            }
        });
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
     * Claims up to {@code limit} rows of the edition for {@code senderId}. Rows whose subscriber
     * is no longer active are marked skipped instead: an unsubscribe stops mail at once.
     *
     * @param retryDeferredNow take rows deferred before this run started whatever their next
     *                         attempt time (an operator's {@code send}); rows deferred during the
     *                         run wait for their time
     */
    public List<Claim> claim(long editionId, String senderId, int limit, boolean retryDeferredNow,
                             Instant runStartedAt) {
        Instant now = clock.instant();
        Instant aliveSince = now.minus(claimTimeout);
        // one commit for the whole batch: on H2 every commit is written through to the file (see Database.open)
        return database.inTransaction(connection -> {
            List<Claim> candidates = new ArrayList<>();
            List<Long> inactive = new ArrayList<>();
            // queued rows first, then due retries and stale claims; ordering by the index's own columns lets
            // the database read just the first rows instead of sorting the whole remaining edition per claim
            for (boolean queued : new boolean[] {true, false}) {
                int wanted = limit - candidates.size() - inactive.size();
                if (wanted <= 0) {
                    break;
                }
                try (PreparedStatement ps = connection.prepareStatement("""
                        select d.id, d.subscriber_id, s.email, s.status, d.message_id, d.selection, d.digest_size,
                            d.attempts
                        from deliveries d join subscribers s on s.id = d.subscriber_id
                        where d.edition_id = ?""" + (queued ? " and d.state = 'queued'"
                        : " and d.state in ('deferred', 'sending') and " + CLAIMABLE)
                        + " order by d.edition_id, d.state, d.id limit ?")) {
                    int i = 1;
                    ps.setLong(i++, editionId);
                    if (!queued) {
                        i = bindClaimable(ps, i, retryDeferredNow, runStartedAt, now, senderId, aliveSince);
                    }
                    ps.setInt(i, wanted);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (!"active".equals(rs.getString(4))) {
                                inactive.add(rs.getLong(1));
                                continue;
                            }
                            candidates.add(new Claim(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(5),
                                    Edition.Selection.fromDb(rs.getString(6)), rs.getInt(7), rs.getInt(8) + 1));
                        }
                    }
                }
            }
            if (!inactive.isEmpty()) {
                try (PreparedStatement skip = connection.prepareStatement(
                        "update deliveries d set state = 'skipped', last_reply = 'subscriber no longer active', updated_at = ?"
                                + " where d.id = ? and " + CLAIMABLE)) {
                    for (long id : inactive) {
                        int i = 1;
                        setInstant(skip, i++, now);
                        skip.setLong(i++, id);
                        bindClaimable(skip, i, retryDeferredNow, runStartedAt, now, senderId, aliveSince);
                        skip.addBatch();
                    }
                    skip.executeBatch();
                }
            }
            if (candidates.isEmpty()) {
                return List.of();
            }
            List<Claim> claimed = new ArrayList<>(candidates.size());
            try (PreparedStatement update = connection.prepareStatement("""
                    update deliveries d set state = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1,
                        updated_at = ?
                    where d.id = ? and""" + " " + CLAIMABLE)) {
                for (Claim c : candidates) {
                    int i = 1;
                    update.setString(i++, senderId);
                    setInstant(update, i++, now);
                    setInstant(update, i++, now);
                    update.setLong(i++, c.deliveryId());
                    bindClaimable(update, i, retryDeferredNow, runStartedAt, now, senderId, aliveSince);
                    update.addBatch();
                }
                int[] counts = update.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    // 0 means another sender claimed the row between our select and update
                    if (counts[k] != 0) {
                        claimed.add(candidates.get(k));
                    }
                }
            }
            return claimed;
        });
    }

    private static int bindClaimable(PreparedStatement ps, int i, boolean retryDeferredNow, Instant runStartedAt,
                                     Instant now, String senderId, Instant aliveSince) throws SQLException {
        setInstant(ps, i++, now);
        ps.setBoolean(i++, retryDeferredNow);
        setInstant(ps, i++, runStartedAt);
        ps.setString(i++, senderId);
        setInstant(ps, i++, aliveSince);
        return i;
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

    /**
     * Rows this sender holds in the edition whose subscriber is no longer active (unsubscribed,
     * bounced, suppressed since the row was claimed): their messages must not go out.
     */
    public Set<Long> claimedForInactive(long editionId, String senderId) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    select d.id from deliveries d join subscribers s on s.id = d.subscriber_id
                    where d.edition_id = ? and d.state = 'sending' and d.claimed_by = ? and s.status <> 'active'""")) {
                ps.setLong(1, editionId);
                ps.setString(2, senderId);
                Set<Long> ids = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids;
            }
        });
    }

    /** Skips a claimed row whose subscriber left while it waited to be sent. */
    public void markSkipped(long deliveryId, String reason) {
        Instant now = clock.instant();
        finish(deliveryId, "update deliveries set state = 'skipped', last_reply = ?, updated_at = ?, next_attempt_at = ?"
                + " where id = ? and state = 'sending'", reason, now, null);
    }

    /**
     * Records several rows as sent in one transaction (see {@link SentMarks}): a narrow row each in
     * {@code delivery_sent}, which {@link #foldSent} later moves into the ledger.
     */
    void markSentAll(List<SentMarks.Mark> marks) {
        if (marks.isEmpty()) {
            return;
        }
        database.inTransaction(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "insert into delivery_sent (delivery_id, reply, sent_at) values (?, ?, ?)")) {
                for (SentMarks.Mark mark : marks) {
                    ps.setLong(1, mark.deliveryId());
                    setText(ps, 2, mark.reply(), REPLY_LENGTH);
                    setInstant(ps, 3, mark.at());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
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

    public void markDeferred(long deliveryId, String reply, Instant nextAttemptAt) {
        finish(deliveryId,
                "update deliveries set state = 'deferred', last_reply = ?, next_attempt_at = ?, updated_at = ? where id = ?",
                reply, nextAttemptAt, clock.instant());
    }

    public void markFailed(long deliveryId, String reply) {
        Instant now = clock.instant();
        finish(deliveryId, "update deliveries set state = 'failed', last_reply = ?, updated_at = ?, next_attempt_at = ?"
                + " where id = ?", reply, now, null);
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

    public Map<State, Integer> progress(long editionId) {
        return database.withConnection(connection -> {
            Map<State, Integer> counts = new EnumMap<>(State.class);
            for (State s : State.values()) {
                counts.put(s, 0);
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "select state, count(*) from deliveries where edition_id = ? group by state")) {
                ps.setLong(1, editionId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.put(State.fromDb(rs.getString(1)), rs.getInt(2));
                    }
                }
            }
            // rows marked sent but not folded into the ledger yet are sent
            try (PreparedStatement ps = connection.prepareStatement("""
                    select count(*) from delivery_sent m join deliveries d on d.id = m.delivery_id
                    where d.edition_id = ? and d.state = 'sending'""")) {
                ps.setLong(1, editionId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int marked = rs.getInt(1);
                    counts.put(State.SENDING, counts.get(State.SENDING) - marked);
                    counts.put(State.SENT, counts.get(State.SENT) + marked);
                }
            }
            return counts;
        });
    }

    /** Deferred and failed deliveries of an edition with their last reply, oldest first. */
    public List<Problem> problems(long editionId, int limit) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    select s.email, d.state, d.attempts, d.last_reply, d.next_attempt_at
                    from deliveries d join subscribers s on s.id = d.subscriber_id
                    where d.edition_id = ? and d.state in ('deferred', 'failed')
                    order by d.id limit ?""")) {
                ps.setLong(1, editionId);
                ps.setInt(2, limit);
                List<Problem> problems = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        problems.add(new Problem(rs.getString(1), State.fromDb(rs.getString(2)), rs.getInt(3),
                                rs.getString(4), getInstant(rs, "next_attempt_at")));
                    }
                }
                return problems;
            }
        });
    }

    /** Editions that still have deliveries to retry. */
    public List<Long> editionsWithDeferred() {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "select distinct edition_id from deliveries where state in ('deferred', 'queued', 'sending') order by edition_id")) {
                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids;
            }
        });
    }

    private void finish(long deliveryId, String sql, String reply, Instant a, Instant b) {
        database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                setText(ps, 1, reply, REPLY_LENGTH);
                setInstant(ps, 2, a);
                setInstant(ps, 3, b);
                ps.setLong(4, deliveryId);
                return ps.executeUpdate();
            }
        });
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
