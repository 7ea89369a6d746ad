package org.paperboy.subscriptions;

import static org.paperboy.store.SqlValues.getDate;
import static org.paperboy.store.SqlValues.getInstant;
import static org.paperboy.store.SqlValues.getInteger;
import static org.paperboy.store.SqlValues.setDate;
import static org.paperboy.store.SqlValues.setInstant;
import static org.paperboy.store.SqlValues.setInteger;
import static org.paperboy.store.SqlValues.setText;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.paperboy.store.Database;

/** SQL for the subscribers aggregate. */
public final class SubscriberRepository {

    private static final String COLUMNS = """
            id, email, status, digest_size, frequency, weekly_day, paused_until, topics, created_at,
            consent_at, consent_ip, consent_user_agent, consent_source, confirmed_at, confirmed_ip,
            unsubscribed_at, timezone""";

    private final Database database;
    private final Clock clock;

    public SubscriberRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Adds {@code email} unless its mailbox is already on the list (in any spelling); returns the
     * new subscriber if added.
     */
    public Optional<Subscriber> addIfAbsent(EmailAddress email, SubscriberStatus status, Subscriber.Consent consent) {
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            try (PreparedStatement exists = connection.prepareStatement("select 1 from subscribers where email_lower = ?")) {
                exists.setString(1, email.key());
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return Optional.<Subscriber>empty();
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into subscribers (email, status, created_at, updated_at, consent_at, consent_ip,
                        consent_user_agent, consent_source, confirmed_at, confirmed_ip)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", new String[] {"id"})) {
                int i = 1;
                insert.setString(i++, email.value());
                insert.setString(i++, status.dbValue());
                setInstant(insert, i++, now);
                setInstant(insert, i++, now);
                setInstant(insert, i++, consent.at());
                insert.setString(i++, consent.ip());
                setText(insert, i++, consent.userAgent(), 512);
                insert.setString(i++, consent.source());
                setInstant(insert, i++, consent.confirmedAt());
                insert.setString(i, consent.confirmedIp());
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    long id = keys.getLong(1);
                    return Optional.of(new Subscriber(id, email.value(), status, Preferences.DEFAULT, consent, now, null));
                }
            }
        });
    }

    public Optional<Subscriber> findByEmail(EmailAddress email) {
        return findOne("email_lower = ?", ps -> ps.setString(1, email.key()));
    }

    public Optional<Subscriber> findById(long id) {
        return findOne("id = ?", ps -> ps.setLong(1, id));
    }

    /** Calls {@code each} for every subscriber (with {@code status}, if given) in id order. */
    public void forEach(SubscriberStatus status, Consumer<Subscriber> each) {
        database.withConnection(connection -> {
            String where = status == null ? "" : " where status = ?";
            try (PreparedStatement ps = connection.prepareStatement(
                    "select " + COLUMNS + " from subscribers" + where + " order by id")) {
                ps.setFetchSize(500);
                if (status != null) {
                    ps.setString(1, status.dbValue());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        each.accept(read(rs));
                    }
                }
            }
            return null;
        });
    }

    public List<Subscriber> list(SubscriberStatus status) {
        List<Subscriber> all = new ArrayList<>();
        forEach(status, all::add);
        return all;
    }

    /** Moves a subscriber to {@code status}; returns whether the row changed. */
    public boolean setStatus(long id, SubscriberStatus status) {
        Instant now = clock.instant();
        return update("""
                update subscribers set status = ?, updated_at = ?,
                    unsubscribed_at = case when ? = 'unsubscribed' then ? else unsubscribed_at end
                where id = ? and status <> ?""", ps -> {
            ps.setString(1, status.dbValue());
            setInstant(ps, 2, now);
            ps.setString(3, status.dbValue());
            setInstant(ps, 4, now);
            ps.setLong(5, id);
            ps.setString(6, status.dbValue());
        }) > 0;
    }

    /** Marks a subscriber bounced after a hard bounce; no more mail goes to them. */
    public boolean markBounced(long id, String reason) {
        Instant now = clock.instant();
        return update("""
                update subscribers set status = 'bounced', last_bounce = ?, updated_at = ?
                where id = ? and status in ('active', 'pending')""", ps -> {
            setText(ps, 1, reason, 1000);
            setInstant(ps, 2, now);
            ps.setLong(3, id);
        }) > 0;
    }

    /**
     * Confirms a pending (or returning) subscriber, recording when and from where, unless the link
     * was issued before they last unsubscribed. Token times are whole seconds: a link issued in the
     * second of the unsubscribe still counts as later. The opt-out time stays on record.
     */
    public boolean confirm(long id, String ip, Instant linkIssuedAt) {
        Instant now = clock.instant();
        return update("""
                update subscribers set status = 'active', confirmed_at = ?, confirmed_ip = ?, updated_at = ?
                where id = ? and status in ('pending', 'unsubscribed')
                    and (unsubscribed_at is null or unsubscribed_at < ?)""", ps -> {
            setInstant(ps, 1, now);
            ps.setString(2, ip);
            setInstant(ps, 3, now);
            ps.setLong(4, id);
            setInstant(ps, 5, linkIssuedAt.plusSeconds(1));
        }) > 0;
    }

    public boolean updatePreferences(long id, Preferences preferences) {
        Instant now = clock.instant();
        return update("""
                update subscribers set digest_size = ?, frequency = ?, weekly_day = ?, paused_until = ?, topics = ?,
                    updated_at = ?, timezone = ?
                where id = ?""", ps -> {
            setInteger(ps, 1, preferences.digestSize());
            ps.setString(2, preferences.frequency().dbValue());
            ps.setString(3, preferences.weeklyDay() == null ? null : preferences.weeklyDay().name());
            setDate(ps, 4, preferences.pausedUntil());
            ps.setString(5, String.join(",", preferences.topics()));
            setInstant(ps, 6, now);
            ps.setString(7, preferences.timezone() == null ? null : preferences.timezone().getId());
            ps.setLong(8, id);
        }) > 0;
    }

    /**
     * Takes the address's confirmation-email slot: at most one confirmation per {@code interval}.
     * Returns whether the caller may send one now; atomic, so two requests at once send one email.
     */
    public boolean claimConfirmationSlot(long id, Duration interval) {
        Instant now = clock.instant();
        return update("""
                update subscribers set confirmation_sent_at = ?
                where id = ? and (confirmation_sent_at is null or confirmation_sent_at <= ?)""", ps -> {
            setInstant(ps, 1, now);
            ps.setLong(2, id);
            setInstant(ps, 3, now.minus(interval));
        }) > 0;
    }

    /** Gives the slot back when the confirmation email did not go out, so the person can ask again. */
    public void releaseConfirmationSlot(long id) {
        update("update subscribers set confirmation_sent_at = null where id = ?", ps -> ps.setLong(1, id));
    }

    /**
     * Records a new sign-up request of a person who is not active (pending or unsubscribed): the
     * consent record describes the request that the coming confirmation will confirm.
     */
    public boolean recordSignUpRequest(long id, Subscriber.Consent consent, List<String> topics) {
        Instant now = clock.instant();
        return update("""
                update subscribers set consent_at = ?, consent_ip = ?, consent_user_agent = ?, consent_source = ?,
                    topics = case when ? = '' then topics else ? end, updated_at = ?
                where id = ? and status in ('pending', 'unsubscribed')""", ps -> {
            String joined = String.join(",", topics);
            setInstant(ps, 1, consent.at());
            ps.setString(2, consent.ip());
            setText(ps, 3, consent.userAgent(), 512);
            ps.setString(4, consent.source());
            ps.setString(5, joined);
            ps.setString(6, joined);
            setInstant(ps, 7, now);
            ps.setLong(8, id);
        }) > 0;
    }

    public Map<SubscriberStatus, Integer> countByStatus() {
        return database.withConnection(connection -> {
            Map<SubscriberStatus, Integer> counts = new EnumMap<>(SubscriberStatus.class);
            for (SubscriberStatus s : SubscriberStatus.values()) {
                counts.put(s, 0);
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "select status, count(*) from subscribers group by status");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(SubscriberStatus.fromDb(rs.getString(1)), rs.getInt(2));
                }
            }
            return counts;
        });
    }

    private Optional<Subscriber> findOne(String where, Binder binder) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("select " + COLUMNS + " from subscribers where " + where)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.<Subscriber>empty();
                }
            }
        });
    }

    private int update(String sql, Binder binder) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    /** The topics as the {@code subscribers.topics} column holds them (comma-separated). */
    public static List<String> storedTopics(String column) {
        return column == null || column.isEmpty() ? List.of() : Arrays.asList(column.split(","));
    }

    static Subscriber read(ResultSet rs) throws SQLException {
        String weeklyDay = rs.getString("weekly_day");
        String topics = rs.getString("topics");
        Preferences preferences = new Preferences(
                getInteger(rs, "digest_size"),
                Frequency.fromDb(rs.getString("frequency")),
                weeklyDay == null ? null : DayOfWeek.valueOf(weeklyDay),
                getDate(rs, "paused_until"),
                storedTopics(topics),
                zone(rs.getString("timezone")));
        Subscriber.Consent consent = new Subscriber.Consent(
                getInstant(rs, "consent_at"), rs.getString("consent_ip"), rs.getString("consent_user_agent"),
                rs.getString("consent_source"), getInstant(rs, "confirmed_at"), rs.getString("confirmed_ip"));
        return new Subscriber(rs.getLong("id"), rs.getString("email"), SubscriberStatus.fromDb(rs.getString("status")),
                preferences, consent, getInstant(rs, "created_at"), getInstant(rs, "unsubscribed_at"));
    }

    /** The time zones active subscribers chose (those without one follow the newsletter's). */
    public java.util.Set<java.time.ZoneId> zonesInUse() {
        return database.withConnection(connection -> {
            java.util.Set<java.time.ZoneId> zones = new java.util.HashSet<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "select distinct timezone from subscribers where status = 'active' and timezone is not null");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.time.ZoneId zone = zone(rs.getString(1));
                    if (zone != null) {
                        zones.add(zone);
                    }
                }
            }
            return zones;
        });
    }

    /** A stored zone; one the JDK no longer knows (a tzdata update) falls back to the newsletter's. */
    private static java.time.ZoneId zone(String stored) {
        try {
            return stored == null ? null : java.time.ZoneId.of(stored);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}
