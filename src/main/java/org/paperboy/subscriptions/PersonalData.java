package org.paperboy.subscriptions;

import static org.paperboy.store.SqlValues.getDate;
import static org.paperboy.store.SqlValues.getInstant;
import static org.paperboy.store.SqlValues.getInteger;
import static org.paperboy.store.SqlValues.setInstant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.paperboy.store.Database;

/**
 * Everything Paperboy holds about one person, for the right of access (export) and the right
 * to erasure.
 *
 * <p>Erasure anonymises the subscriber row instead of deleting it: the delivery ledger refers to
 * subscribers by id, and the editions' history (how many were sent, failed) must stay true. The
 * row keeps its id and becomes {@code erased-<id>@erased.invalid}, status {@code suppressed},
 * with preferences, consent record, bounce text and SMTP replies cleared. A hash of the address
 * goes to {@code erased_subscribers} (see {@link ErasedAddresses}).
 */
public final class PersonalData {

    private final Database database;
    private final Clock clock;

    public PersonalData(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** All data held about {@code email}, as plain JSON-ready values; empty when unknown. */
    public Optional<Map<String, Object>> export(EmailAddress email) {
        return database.withConnection(connection -> {
            Map<String, Object> person = new LinkedHashMap<>();
            long id;
            try (PreparedStatement ps = connection.prepareStatement("""
                    select id, email, status, digest_size, frequency, weekly_day, paused_until, topics, created_at,
                        updated_at, consent_at, consent_ip, consent_user_agent, consent_source, confirmed_at, confirmed_ip,
                        confirmation_sent_at, unsubscribed_at, soft_bounces, last_bounce
                    from subscribers where email_lower = ?""")) {
                ps.setString(1, email.key());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Map<String, Object>>empty();
                    }
                    id = rs.getLong("id");
                    person.put("id", id);
                    person.put("email", rs.getString("email"));
                    person.put("status", rs.getString("status"));
                    person.put("createdAt", getInstant(rs, "created_at"));
                    person.put("updatedAt", getInstant(rs, "updated_at"));
                    Map<String, Object> preferences = new LinkedHashMap<>();
                    preferences.put("digestSize", getInteger(rs, "digest_size"));
                    preferences.put("frequency", rs.getString("frequency"));
                    preferences.put("weeklyDay", rs.getString("weekly_day"));
                    LocalDate paused = getDate(rs, "paused_until");
                    preferences.put("pausedUntil", paused == null ? null : paused.toString());
                    String topics = rs.getString("topics");
                    preferences.put("topics", topics == null || topics.isEmpty() ? List.of() : Arrays.asList(topics.split(",")));
                    person.put("preferences", preferences);
                    Map<String, Object> consent = new LinkedHashMap<>();
                    consent.put("at", getInstant(rs, "consent_at"));
                    consent.put("ip", rs.getString("consent_ip"));
                    consent.put("userAgent", rs.getString("consent_user_agent"));
                    consent.put("source", rs.getString("consent_source"));
                    consent.put("confirmedAt", getInstant(rs, "confirmed_at"));
                    consent.put("confirmedIp", rs.getString("confirmed_ip"));
                    person.put("consent", consent);
                    person.put("confirmationSentAt", getInstant(rs, "confirmation_sent_at"));
                    person.put("unsubscribedAt", getInstant(rs, "unsubscribed_at"));
                    person.put("softBounces", rs.getInt("soft_bounces"));
                    person.put("lastBounce", rs.getString("last_bounce"));
                }
            }
            person.put("deliveries", deliveries(connection, id));
            return Optional.of(person);
        });
    }

    private static List<Map<String, Object>> deliveries(Connection connection, long subscriberId) throws SQLException {
        List<Map<String, Object>> deliveries = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("""
                select e.edition_date, d.state, d.selection, d.digest_size, d.message_id, d.attempts, d.last_reply,
                    d.sent_at
                from deliveries d join editions e on e.id = d.edition_id
                where d.subscriber_id = ? order by e.edition_date, d.id""")) {
            ps.setLong(1, subscriberId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("edition", getDate(rs, "edition_date").toString());
                    d.put("state", rs.getString("state"));
                    d.put("selection", rs.getString("selection"));
                    d.put("digestSize", rs.getInt("digest_size"));
                    d.put("messageId", rs.getString("message_id"));
                    d.put("attempts", rs.getInt("attempts"));
                    d.put("lastReply", rs.getString("last_reply"));
                    d.put("sentAt", getInstant(rs, "sent_at"));
                    deliveries.add(d);
                }
            }
        }
        return deliveries;
    }

    /**
     * Erases {@code email}: anonymises its row, clears what the ledger holds about it and records
     * the hash. Returns false when the address is not on the list.
     */
    public boolean erase(EmailAddress email) {
        Instant now = clock.instant();
        boolean erased = database.inTransaction(connection -> {
            long id;
            try (PreparedStatement find = connection.prepareStatement("select id from subscribers where email_lower = ?")) {
                find.setString(1, email.key());
                try (ResultSet rs = find.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement anonymise = connection.prepareStatement("""
                    update subscribers set email = ?, status = 'suppressed', digest_size = null, frequency = 'daily',
                        weekly_day = null, paused_until = null, topics = '', consent_at = null, consent_ip = null,
                        consent_user_agent = null, consent_source = null, confirmed_at = null, confirmed_ip = null,
                        confirmation_sent_at = null, soft_bounces = 0, last_bounce = null, updated_at = ?,
                        unsubscribed_at = coalesce(unsubscribed_at, ?)
                    where id = ?""")) {
                anonymise.setString(1, anonymisedAddress(id));
                setInstant(anonymise, 2, now);
                setInstant(anonymise, 3, now);
                anonymise.setLong(4, id);
                anonymise.executeUpdate();
            }
            // SMTP replies often quote the recipient's address (those stored before replies were redacted)
            try (PreparedStatement marks = connection.prepareStatement("""
                    update delivery_sent set reply = null
                    where delivery_id in (select id from deliveries where subscriber_id = ?)""");
                 PreparedStatement replies = connection.prepareStatement(
                         "update deliveries set last_reply = null where subscriber_id = ?")) {
                marks.setLong(1, id);
                marks.executeUpdate();
                replies.setLong(1, id);
                replies.executeUpdate();
            }
            ErasedAddresses.record(connection, email, now);
            return true;
        });
        if (erased) {
            database.rewriteFile(); // the old pages of an H2 file still hold the address
        }
        return erased;
    }

    /** The placeholder an erased subscriber's row carries instead of the address. */
    public static String anonymisedAddress(long subscriberId) {
        return "erased-" + subscriberId + "@erased.invalid";
    }

}
