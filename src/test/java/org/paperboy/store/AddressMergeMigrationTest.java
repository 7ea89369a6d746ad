package org.paperboy.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.paperboy.testing.PostgresDatabase;

/**
 * A database made before addresses were one mailbox whatever their case, holding the same
 * mailbox three times: migrating it leaves one subscriber with the first spelling, the earliest
 * consent and the strictest status, and a ledger in which nobody gets an edition twice.
 */
class AddressMergeMigrationTest {

    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void mergesCaseDuplicatesOnH2() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("old").toAbsolutePath());
        h2.setUser("sa");
        mergesCaseDuplicates(h2, Database.Vendor.H2);
    }

    @Test
    void mergesCaseDuplicatesOnPostgres() throws Exception {
        try (PostgresDatabase postgres = new PostgresDatabase()) {
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(postgres.url());
            pg.setUser(PostgresDatabase.USER);
            mergesCaseDuplicates(pg, Database.Vendor.POSTGRESQL);
        }
    }

    private void mergesCaseDuplicates(DataSource dataSource, Database.Vendor vendor) throws Exception {
        Flyway latest = Database.flyway(dataSource, vendor);
        Flyway.configure().configuration(latest.getConfiguration()).target("5").load().migrate();
        try (Connection c = dataSource.getConnection()) {
            // ada three times: first spelled "Ada", the earliest consent on the second row, the strictest status on the third
            long ada = subscriber(c, "Ada@x.org", "active", T0.plusSeconds(3600), "192.0.2.2", T0.plusSeconds(7200), null);
            long ada2 = subscriber(c, "aDa@x.org", "active", T0, "192.0.2.1", T0.plusSeconds(60), null);
            long ada3 = subscriber(c, "ADA@x.org", "unsubscribed", T0.plusSeconds(9000), "192.0.2.3", null,
                    T0.plusSeconds(9999));
            long bob = subscriber(c, "bob@x.org", "pending", T0, "192.0.2.9", null, null);
            long bob2 = subscriber(c, "Bob@x.org", "bounced", T0.plusSeconds(5), "192.0.2.9", null, null);
            long carol = subscriber(c, "carol@x.org", "active", T0, "192.0.2.7", T0, null);
            long first = edition(c, "2026-11-02");
            long second = edition(c, "2026-11-03");
            // edition 1: the first row was still queued, the second already sent (folded), the third sent (a mark only)
            delivery(c, first, ada, "queued");
            long sentToAda2 = delivery(c, first, ada2, "sent");
            long markedForAda3 = delivery(c, first, ada3, "sending");
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into delivery_sent (delivery_id, reply, sent_at) values (?, '250 ok', ?)")) {
                ps.setLong(1, markedForAda3);
                ps.setTimestamp(2, Timestamp.from(T0));
                ps.executeUpdate();
            }
            // edition 2: only a duplicate has a row; it moves to the kept subscriber
            long onlyDuplicate = delivery(c, second, ada3, "queued");
            delivery(c, first, bob2, "failed");
            delivery(c, first, carol, "queued");

            latest.migrate();

            assertThat(rows(c, "select id, email, status, consent_ip, confirmed_at is not null, unsubscribed_at is not null"
                    + " from subscribers order by id")).containsExactly(
                    ada + " Ada@x.org unsubscribed 192.0.2.1 true true",
                    bob + " bob@x.org bounced 192.0.2.9 false false",
                    carol + " carol@x.org active 192.0.2.7 true false");
            assertThat(rows(c, "select consent_at from subscribers where id = " + ada))
                    .containsExactly(Timestamp.from(T0).toInstant().toString());
            // one delivery per edition and subscriber; edition 1 counts as sent for ada, so it never goes out again
            assertThat(rows(c, "select d.edition_id, d.subscriber_id, d.state,"
                    + " (select count(*) from delivery_sent m where m.delivery_id = d.id) from deliveries d"
                    + " order by d.edition_id, d.subscriber_id")).containsExactly(
                    first + " " + ada + " sent 0",
                    first + " " + bob + " failed 0",
                    first + " " + carol + " queued 0",
                    second + " " + ada + " queued 0");
            assertThat(rows(c, "select id from deliveries where subscriber_id = " + ada + " order by id"))
                    .containsExactly(Long.toString(sentToAda2), Long.toString(onlyDuplicate));
            assertThat(rows(c, "select count(*) from delivery_sent")).containsExactly("0");

            assertThatThrownBy(() -> subscriber(c, "CAROL@X.ORG", "pending", T0, null, null, null))
                    .as("the lower-cased address is unique from now on").isInstanceOf(SQLException.class);
        }
    }

    private static long subscriber(Connection c, String email, String status, Instant consentAt, String ip,
                                   Instant confirmedAt, Instant unsubscribedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into subscribers (email, status, created_at, updated_at, consent_at, consent_ip, consent_source,
                    confirmed_at, unsubscribed_at) values (?, ?, ?, ?, ?, ?, 'test', ?, ?)""", new String[] {"id"})) {
            ps.setString(1, email);
            ps.setString(2, status);
            ps.setTimestamp(3, Timestamp.from(T0));
            ps.setTimestamp(4, Timestamp.from(T0));
            ps.setTimestamp(5, Timestamp.from(consentAt));
            ps.setString(6, ip);
            ps.setTimestamp(7, confirmedAt == null ? null : Timestamp.from(confirmedAt));
            ps.setTimestamp(8, unsubscribedAt == null ? null : Timestamp.from(unsubscribedAt));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static long edition(Connection c, String date) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into editions (edition_date, status, created_at) values (?, 'sending', ?)", new String[] {"id"})) {
            ps.setDate(1, java.sql.Date.valueOf(date));
            ps.setTimestamp(2, Timestamp.from(T0));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static long delivery(Connection c, long edition, long subscriber, String state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into deliveries (edition_id, subscriber_id, state, selection, digest_size, message_id, updated_at)
                values (?, ?, ?, 'daily', 5, ?, ?)""", new String[] {"id"})) {
            ps.setLong(1, edition);
            ps.setLong(2, subscriber);
            ps.setString(3, state);
            ps.setString(4, "<" + edition + "." + subscriber + "@paperboy.test>");
            ps.setTimestamp(5, Timestamp.from(T0));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = rs.getObject(i);
                    cells.add(value instanceof Timestamp t ? t.toInstant().toString()
                            : value instanceof java.time.OffsetDateTime o ? o.toInstant().toString()
                            : String.valueOf(value));
                }
                rows.add(String.join(" ", cells));
            }
        }
        return rows;
    }
}
