package org.paperboy.delivery;

import static org.paperboy.delivery.DeliveryLedger.DUE_WITHOUT_ROW;
import static org.paperboy.delivery.DeliveryLedger.SELECTION;
import static org.paperboy.delivery.DeliveryLedger.bindDue;
import static org.paperboy.delivery.DeliveryLedger.isUniqueViolation;
import static org.paperboy.store.SqlValues.setInstant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.paperboy.delivery.DeliveryLedger.Claim;
import org.paperboy.store.Database;
import org.paperboy.store.StoreException;

/**
 * One sender's pass through an edition. Each {@link #claim} takes rows already in the ledger
 * first (queued, due retries, claims of senders that stopped), then, once the rows of the readers
 * chosen for the run are all written ({@link ChosenRowsWriter}), creates rows, claimed in the
 * same transaction, for the next subscribers due the edition who have none yet, in subscriber
 * order. Subscribers who left are never given a row; rows whose subscriber left after the row was
 * made are marked skipped instead of claimed. Used by one thread.
 * Made by {@link DeliveryLedger#round}; the SQL of claiming lives here, beside the code that runs it.
 */
final class ClaimRound {

    private static final String CLAIMABLE = """
            (d.state = 'queued'
             or (d.state = 'deferred' and (d.next_attempt_at <= ? or (? and d.updated_at < ?)))
             or (d.state = 'sending' and d.claimed_by <> ? and not exists (
                   select 1 from delivery_senders ds where ds.sender_id = d.claimed_by and ds.heartbeat_at >= ?)
                 and not exists (select 1 from delivery_sent m where m.delivery_id = d.id)))""";

    private final Database database;
    private final Clock clock;
    private final Duration claimTimeout;
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
    /** Whether every chosen reader's row is written: before that, nobody may be given the general list. */
    private final BooleanSupplier chosenRowsWritten;

    ClaimRound(Database database, Clock clock, Duration claimTimeout, Edition edition, String senderId,
               int defaultSize, String messageIdSuffix, boolean retryDeferredNow, Instant runStartedAt, DueZones zones,
               BooleanSupplier chosenRowsWritten) {
        this.database = database;
        this.chosenRowsWritten = chosenRowsWritten;
        this.clock = clock;
        this.claimTimeout = claimTimeout;
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

    /** The states a claim takes rows from, in order. */
    private static final List<String> CLAIM_ORDER = List.of("queued", "deferred", "sending");

    /**
     * The next claimable rows of one state: parameters edition, state, for any state but queued the
     * five of {@link #bindClaimable}, and the limit.
     */
    static String candidatesQuery(String state) {
        return """
                select d.id, d.subscriber_id, s.email, s.status, d.message_id, d.selection, d.digest_size,
                    d.attempts, d.selection_id
                from deliveries d join subscribers s on s.id = d.subscriber_id
                where d.edition_id = ? and d.state = ?""" + (state.equals("queued") ? "" : " and " + CLAIMABLE)
                + " order by d.edition_id, d.state, d.id limit ?";
    }

    // one commit for the whole batch: on H2 every commit is written through to the file (see Database.open)
    private Claimed claim(Connection connection, int limit) throws SQLException {
        Instant now = clock.instant();
        Instant aliveSince = now.minus(claimTimeout);
        List<Claim> candidates = new ArrayList<>();
        List<Long> inactive = new ArrayList<>();
        // queued rows first, then due retries, then stale claims: one state per query, so that each
        // reads just the first rows of its own stretch of the (edition, state, id) index. With the states
        // in one "in (...)" the database walks the whole edition instead (every row sent so far, per claim)
        for (String state : CLAIM_ORDER) {
            int wanted = limit - candidates.size() - inactive.size();
            if (wanted <= 0) {
                break;
            }
            try (PreparedStatement ps = connection.prepareStatement(candidatesQuery(state) + skipLocked("d"))) {
                int i = 1;
                ps.setLong(i++, edition.id());
                ps.setString(i++, state);
                if (!state.equals("queued")) {
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
        if (wanted <= 0 || everyoneHasARow || !chosenRowsWritten.getAsBoolean()) {
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
