package org.paperboy.delivery;

import static org.paperboy.store.SqlValues.setInstant;
import static org.paperboy.store.SqlValues.setText;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.paperboy.store.Database;

/**
 * Bounces that arrive after a message was accepted, recorded on the delivery they answer. The
 * soft-bounce count of a subscriber is the run of soft-bounced deliveries since their last
 * delivery that was sent and did not bounce: one good delivery between two soft bounces starts
 * the count again.
 */
final class BounceRecords {

    enum Kind { HARD, SOFT }

    /** The subscriber a delivery went to and where they stand now. */
    record Target(long deliveryId, long subscriberId, String email, String subscriberStatus) {
    }

    private final Database database;
    private final Clock clock;

    BounceRecords(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    Optional<Target> target(long deliveryId) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    select d.id, s.id, s.email, s.status from deliveries d join subscribers s on s.id = d.subscriber_id
                    where d.id = ?""")) {
                ps.setLong(1, deliveryId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Target(rs.getLong(1), rs.getLong(2), rs.getString(3),
                            rs.getString(4))) : Optional.<Target>empty();
                }
            }
        });
    }

    /** Records a bounce on its delivery; false when one was recorded already (a report read twice). */
    boolean record(long deliveryId, Kind kind, String status) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    update deliveries set bounce = ?, bounce_status = ?, bounced_at = ?
                    where id = ? and bounce is null""")) {
                ps.setString(1, kind == Kind.HARD ? "hard" : "soft");
                ps.setString(2, status);
                setInstant(ps, 3, clock.instant());
                ps.setLong(4, deliveryId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Soft-bounced deliveries in a row, ending at the subscriber's latest one. */
    int softBounceRun(long subscriberId) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    select count(*) from deliveries d
                    where d.subscriber_id = ? and d.bounce = 'soft'
                      and d.edition_id > coalesce((
                        select max(ok.edition_id) from deliveries ok
                        where ok.subscriber_id = ? and ok.state = 'sent' and ok.bounce is null
                          and ok.edition_id < (select max(b.edition_id) from deliveries b
                                               where b.subscriber_id = ? and b.bounce = 'soft')), -1)""")) {
                ps.setLong(1, subscriberId);
                ps.setLong(2, subscriberId);
                ps.setLong(3, subscriberId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * Stores the subscriber's soft-bounce run and suppresses them when it reaches {@code limit}.
     * Returns whether they were suppressed now.
     */
    boolean updateSoftBounces(long subscriberId, int run, int limit, String reason) {
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "update subscribers set soft_bounces = ?, last_bounce = ?, updated_at = ? where id = ?")) {
                ps.setInt(1, run);
                setText(ps, 2, reason, 1000);
                setInstant(ps, 3, now);
                ps.setLong(4, subscriberId);
                ps.executeUpdate();
            }
            if (run < limit) {
                return false;
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "update subscribers set status = 'suppressed', updated_at = ? where id = ? and status = 'active'")) {
                setInstant(ps, 1, now);
                ps.setLong(2, subscriberId);
                return ps.executeUpdate() > 0;
            }
        });
    }
}
