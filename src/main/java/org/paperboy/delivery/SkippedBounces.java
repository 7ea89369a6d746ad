package org.paperboy.delivery;

import static org.paperboy.store.SqlValues.setInstant;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.paperboy.mail.BounceMailbox;
import org.paperboy.store.Database;

/** The POP3 bounce messages left for a person, remembered by UIDL in {@code bounce_skipped}. */
final class SkippedBounces implements BounceMailbox.SkippedMessages {

    /** RFC 1939 allows 70 characters; a longer UIDL is not remembered (and read again). */
    private static final int MAX_UIDL = 128;

    private final Database database;
    private final Clock clock;

    SkippedBounces(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Set<String> all() {
        return database.withConnection(connection -> {
            Set<String> uidls = new HashSet<>();
            try (PreparedStatement ps = connection.prepareStatement("select uidl from bounce_skipped");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    uidls.add(rs.getString(1));
                }
            }
            return uidls;
        });
    }

    @Override
    public void add(String uidl) {
        if (uidl.length() > MAX_UIDL) {
            return;
        }
        database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    insert into bounce_skipped (uidl, skipped_at)
                    select ?, ? where not exists (select 1 from bounce_skipped where uidl = ?)""")) {
                ps.setString(1, uidl);
                setInstant(ps, 2, clock.instant());
                ps.setString(3, uidl);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void retainOnly(Set<String> present) {
        Set<String> gone = all();
        gone.removeAll(present);
        if (gone.isEmpty()) {
            return;
        }
        database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("delete from bounce_skipped where uidl = ?")) {
                for (String uidl : gone) {
                    ps.setString(1, uidl);
                    ps.addBatch();
                }
                return ps.executeBatch().length;
            }
        });
    }
}
