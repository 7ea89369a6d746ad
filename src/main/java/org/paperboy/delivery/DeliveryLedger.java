package org.paperboy.delivery;

import static org.paperboy.store.SqlValues.getInstant;
import static org.paperboy.store.SqlValues.setDate;
import static org.paperboy.store.SqlValues.setInstant;
import static org.paperboy.store.SqlValues.setText;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
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
                        Edition.Selection selection, int digestSize, int attempts, long selectionId) {
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

    /** A row still held by the sender bound to its one parameter: every update of a claimed row is fenced by it. */
    private static final String HELD = "claimed_by = ? and state = 'sending'";

    /** The width of the {@code last_reply} and {@code delivery_sent.reply} columns. */
    private static final int REPLY_LENGTH = 1000;

    private final Database database;
    private final Clock clock;
    private final Duration claimTimeout;
    private final String nodeId;

    /** {@code nodeId}: this process's id in the cluster; the id of each of its senders starts with it. */
    public DeliveryLedger(Database database, Clock clock, Duration claimTimeout, String nodeId) {
        this.database = database;
        this.clock = clock;
        this.claimTimeout = claimTimeout;
        this.nodeId = nodeId;
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
     * weekly on its weekday. Their rows are made as a sender claims them ({@link Round}), so a run
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
    private static final String SELECTION = "case when s.frequency = 'weekly' then 'weekly' else 'daily' end";

    static int bindDue(PreparedStatement ps, int i, Edition edition, DueZones zones) throws SQLException {
        setDate(ps, i++, edition.date());
        ps.setString(i++, edition.date().getDayOfWeek().name());
        ps.setLong(i++, edition.id());
        return zones.bind(ps, i);
    }

    /** How many subscribers are due the edition and have no row in it yet. */
    private int notQueued(Edition edition, DueZones zones) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "select count(*) from subscribers s where " + DUE_WITHOUT_ROW + zones.sql())) {
                bindDue(ps, 1, edition, zones);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * How many messages of the edition are still to go out: open rows not marked sent, and due
     * subscribers without a row. One statement, so that rows other senders make meanwhile are
     * counted once.
     */
    int toSend(Edition edition, DueZones zones) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    select (select count(*) from deliveries d where d.edition_id = ?
                              and d.state in ('queued', 'deferred', 'sending')
                              and not exists (select 1 from delivery_sent m where m.delivery_id = d.id))
                         + (select count(*) from subscribers s where""" + " " + DUE_WITHOUT_ROW + zones.sql() + ")")) {
                ps.setLong(1, edition.id());
                bindDue(ps, 2, edition, zones);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** What is left to send of an edition: the digests it needs, and how many due subscribers have no row yet. */
    record Outstanding(List<Variant> variants, int notQueued) {
    }

    /**
     * What is left to send of an edition: the variants of its open rows and of the subscribers
     * due it who have no row yet ({@code defaultSize} for those who chose no size), and how many
     * of those there are. One pass over each table.
     */
    Outstanding outstanding(Edition edition, int defaultSize, DueZones zones) {
        return database.withConnection(connection -> {
            SortedSet<Variant> variants = new TreeSet<>(Comparator.comparing(Variant::selection)
                    .thenComparingInt(Variant::size));
            try (PreparedStatement ps = connection.prepareStatement("""
                    select distinct selection, digest_size from deliveries
                    where edition_id = ? and state in ('queued', 'deferred', 'sending')""")) {
                ps.setLong(1, edition.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        variants.add(new Variant(Edition.Selection.fromDb(rs.getString(1)), rs.getInt(2)));
                    }
                }
            }
            int notQueued = 0;
            try (PreparedStatement ps = connection.prepareStatement("select " + SELECTION + ", s.digest_size, count(*)"
                    + " from subscribers s where " + DUE_WITHOUT_ROW + zones.sql() + " group by s.frequency, s.digest_size")) {
                bindDue(ps, 1, edition, zones);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int size = rs.getInt(2);
                        variants.add(new Variant(Edition.Selection.fromDb(rs.getString(1)),
                                rs.wasNull() ? defaultSize : size));
                        notQueued += rs.getInt(3);
                    }
                }
            }
            return new Outstanding(List.copyOf(variants), notQueued);
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
     * Starts {@code senderId}'s pass through an edition; see {@link Round}.
     *
     * @param defaultSize      the digest size of subscribers who chose none
     * @param messageIdSuffix  what follows the subscriber id in the Message-IDs of new rows
     * @param retryDeferredNow take rows deferred before this run started whatever their next
     *                         attempt time (an operator's {@code send}); rows deferred during the
     *                         run wait for their time
     * @param zones            the readers this round may make rows for, by time zone
     */
    Round round(Edition edition, String senderId, int defaultSize, String messageIdSuffix,
                boolean retryDeferredNow, Instant runStartedAt, DueZones zones) {
        return new Round(edition, senderId, defaultSize, messageIdSuffix, retryDeferredNow, runStartedAt, zones);
    }

    /**
     * One sender's pass through an edition. Each {@link #claim} takes rows already in the ledger
     * first (queued, due retries, claims of senders that stopped), then creates rows, claimed in
     * the same transaction, for the next subscribers due the edition who have none yet, in
     * subscriber order. Subscribers who left are never given a row; rows whose subscriber left
     * after the row was made are marked skipped instead of claimed. Used by one thread.
     */
    final class Round {
        private final Edition edition;
        private final String senderId;
        private final int defaultSize;
        private final String messageIdSuffix;
        private final boolean retryDeferredNow;
        private final Instant runStartedAt;
        private final DueZones zones;
        /** Rows were made for every due subscriber up to this id, or they had one already. */
        private long passedSubscriber;
        /** No due subscriber above {@link #passedSubscriber} was left without a row at the last look. */
        private boolean everyoneHasARow;
        /** Rows another sender took between this sender's look and its claim, and claims made again for that. */
        private int conflicts;

        private Round(Edition edition, String senderId, int defaultSize, String messageIdSuffix,
                      boolean retryDeferredNow, Instant runStartedAt, DueZones zones) {
            this.zones = zones;
            this.edition = edition;
            this.senderId = senderId;
            this.defaultSize = defaultSize;
            this.messageIdSuffix = messageIdSuffix;
            this.retryDeferredNow = retryDeferredNow;
            this.runStartedAt = runStartedAt;
        }

        /**
         * Whether the last look found every subscriber due the edition with a row: those who join
         * or come back after that look wait for the next edition.
         */
        boolean everyoneHasARow() {
            return everyoneHasARow;
        }

        /** How often a claim met another sender's: rows taken in between, rows made twice. */
        int conflicts() {
            return conflicts;
        }

        /** Claims up to {@code limit} deliveries for this sender; empty when there is nothing left to claim. */
        List<Claim> claim(int limit) {
            for (int attempt = 1; ; attempt++) {
                try {
                    Claimed claimed = database.inTransaction(connection -> claim(connection, limit));
                    passedSubscriber = Math.max(passedSubscriber, claimed.lastNewSubscriber());
                    everyoneHasARow |= claimed.everyoneHasARow();
                    return claimed.claims();
                } catch (StoreException e) {
                    // a second sender made a row for the same subscriber at the same moment: look again
                    if (attempt >= 3 || !isUniqueViolation(e)) {
                        throw e;
                    }
                    conflicts++;
                }
            }
        }

        private record Claimed(List<Claim> claims, long lastNewSubscriber, boolean everyoneHasARow) {
        }

        // one commit for the whole batch: on H2 every commit is written through to the file (see Database.open)
        private Claimed claim(Connection connection, int limit) throws SQLException {
            Instant now = clock.instant();
            Instant aliveSince = now.minus(claimTimeout);
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
                            d.attempts, d.selection_id
                        from deliveries d join subscribers s on s.id = d.subscriber_id
                        where d.edition_id = ?""" + (queued ? " and d.state = 'queued'"
                        : " and d.state in ('deferred', 'sending') and " + CLAIMABLE)
                        + " order by d.edition_id, d.state, d.id limit ?" + skipLocked("d"))) {
                    int i = 1;
                    ps.setLong(i++, edition.id());
                    if (!queued) {
                        i = bindClaimable(ps, i, now, aliveSince);
                    }
                    ps.setInt(i, wanted);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (!"active".equals(rs.getString(4))) {
                                inactive.add(rs.getLong(1));
                                continue;
                            }
                            candidates.add(new Claim(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(5),
                                    Edition.Selection.fromDb(rs.getString(6)), rs.getInt(7), rs.getInt(8) + 1,
                                    rs.getLong(9)));
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
                        bindClaimable(skip, i, now, aliveSince);
                        skip.addBatch();
                    }
                    skip.executeBatch();
                }
            }
            List<Claim> claimed = new ArrayList<>(limit);
            if (!candidates.isEmpty()) {
                try (PreparedStatement update = connection.prepareStatement("""
                        update deliveries d set state = 'sending', claimed_by = ?, claimed_at = ?,
                            attempts = attempts + 1, updated_at = ?
                        where d.id = ? and""" + " " + CLAIMABLE)) {
                    for (Claim c : candidates) {
                        int i = 1;
                        update.setString(i++, senderId);
                        setInstant(update, i++, now);
                        setInstant(update, i++, now);
                        update.setLong(i++, c.deliveryId());
                        bindClaimable(update, i, now, aliveSince);
                        update.addBatch();
                    }
                    int[] counts = update.executeBatch();
                    for (int k = 0; k < counts.length; k++) {
                        // 0 means another sender claimed the row between our select and update
                        if (counts[k] != 0) {
                            claimed.add(candidates.get(k));
                        } else {
                            conflicts++;
                        }
                    }
                }
            }
            int wanted = limit - candidates.size() - inactive.size();
            if (wanted <= 0 || everyoneHasARow) {
                return new Claimed(claimed, 0, false);
            }
            List<Claim> made = makeRows(connection, wanted, now);
            claimed.addAll(made);
            return new Claimed(claimed, made.isEmpty() ? 0 : made.get(made.size() - 1).subscriberId(), made.isEmpty());
        }

        /** Creates rows, claimed by this sender, for the next {@code wanted} due subscribers who have none. */
        private List<Claim> makeRows(Connection connection, int wanted, Instant now) throws SQLException {
            long lastRowBefore;
            try (PreparedStatement ps = connection.prepareStatement("select coalesce(max(id), 0) from deliveries");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                lastRowBefore = rs.getLong(1);
            }
            int made;
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into deliveries (edition_id, subscriber_id, state, selection, digest_size, message_id,
                        attempts, claimed_by, claimed_at, updated_at)
                    select ?, s.id, 'sending',""" + " " + SELECTION + """
                    , coalesce(s.digest_size, ?), '<' || ? || '.' || cast(s.id as varchar(20)) || ? || '>',
                        1, ?, ?, ?
                    from subscribers s
                    where s.id > ? and""" + " " + DUE_WITHOUT_ROW + zones.sql() + " order by s.status, s.id limit ?"
                    + skipLocked("s"))) {
                int i = 1;
                insert.setLong(i++, edition.id());
                insert.setInt(i++, defaultSize);
                insert.setString(i++, edition.date().toString());
                insert.setString(i++, messageIdSuffix);
                insert.setString(i++, senderId);
                setInstant(insert, i++, now);
                setInstant(insert, i++, now);
                insert.setLong(i++, passedSubscriber);
                i = bindDue(insert, i, edition, zones);
                insert.setInt(i, wanted);
                made = insert.executeUpdate();
            }
            if (made == 0) {
                return List.of();
            }
            // identities only grow: this sender's rows above the last id seen before the insert are the new ones
            try (PreparedStatement ps = connection.prepareStatement("""
                    select d.id, d.subscriber_id, s.email, d.message_id, d.selection, d.digest_size, d.selection_id
                    from deliveries d join subscribers s on s.id = d.subscriber_id
                    where d.edition_id = ? and d.state = 'sending' and d.id > ? and d.claimed_by = ?
                    order by d.subscriber_id""")) {
                ps.setLong(1, edition.id());
                ps.setLong(2, lastRowBefore);
                ps.setString(3, senderId);
                List<Claim> claims = new ArrayList<>(made);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claims.add(new Claim(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                                Edition.Selection.fromDb(rs.getString(5)), rs.getInt(6), 1, rs.getLong(7)));
                    }
                }
                return claims;
            }
        }

        /**
         * On PostgreSQL, rows another sender is claiming right now are passed over instead of waited
         * for (and, for new rows, made twice): each sender takes the next free rows. H2 keeps the
         * conditional updates, which its single process serves one at a time anyway.
         */
        private String skipLocked(String table) {
            if (database.vendor() != Database.Vendor.POSTGRESQL) {
                return "";
            }
            // a subscriber's row is only marked, not changed: a weaker lock that leaves key-share readers alone
            return table.equals("s") ? " for no key update of s skip locked" : " for update of " + table + " skip locked";
        }

        private int bindClaimable(PreparedStatement ps, int i, Instant now, Instant aliveSince) throws SQLException {
            setInstant(ps, i++, now);
            ps.setBoolean(i++, retryDeferredNow);
            setInstant(ps, i++, runStartedAt);
            ps.setString(i++, senderId);
            setInstant(ps, i++, aliveSince);
            return i;
        }
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
        Map<State, Integer> counts = rowCounts(edition.id());
        if (edition.status() == Edition.Status.SENDING) {
            counts.merge(State.QUEUED, notQueued(edition, zones), Integer::sum);
        }
        return counts;
    }

    /** The edition's rows by state, without the subscribers who have none yet. */
    Map<State, Integer> rowCounts(long editionId) {
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

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
