package org.paperboy.delivery;

import static org.paperboy.delivery.DeliveryLedger.DUE_WITHOUT_ROW;
import static org.paperboy.delivery.DeliveryLedger.SELECTION;
import static org.paperboy.delivery.DeliveryLedger.bindDue;
import static org.paperboy.store.SqlValues.getInstant;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.paperboy.delivery.DeliveryLedger.Outstanding;
import org.paperboy.delivery.DeliveryLedger.Problem;
import org.paperboy.delivery.DeliveryLedger.State;
import org.paperboy.delivery.DeliveryLedger.Variant;
import org.paperboy.store.Database;

/**
 * What the delivery ledger reports about an edition: its rows by state, what is left to send,
 * the deliveries that have not gone out. Read only; {@link DeliveryLedger} is the face other
 * packages use, and the claiming and marking of rows stays there and in {@link ClaimRound}.
 */
final class LedgerReports {

    private final Database database;

    LedgerReports(Database database) {
        this.database = database;
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
     * What is left to send of an edition: the variants of its open rows and of the subscribers
     * due it who have no row yet ({@code defaultSize} for those who chose no size), and how many
     * of those there are. One pass over each table.
     *
     * <p>With {@code dueWithoutRow} known (the readers a run chose for a moment ago: their count and
     * the variants of those left to the general list), the subscribers are not read again, which
     * takes half a second for a hundred thousand. Who becomes due in between gets a row, and their
     * variant rendered, as the run meets them.
     */
    Outstanding outstanding(Edition edition, int defaultSize, DueZones zones, Outstanding dueWithoutRow) {
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
            if (dueWithoutRow != null) {
                variants.addAll(dueWithoutRow.variants());
                return new Outstanding(List.copyOf(variants), dueWithoutRow.notQueued());
            }
            int notQueued = 0;
            try (PreparedStatement ps = connection.prepareStatement("select " + SELECTION + ", s.digest_size, count(*)"
                    + " from subscribers s where " + DUE_WITHOUT_ROW + zones.sql() + " group by s.frequency, s.digest_size")) {
                bindDue(ps, 1, edition, zones);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Edition.Selection selection = Edition.Selection.fromDb(rs.getString(1));
                        int size = rs.getInt(2);
                        // wasNull speaks of the column read last: the size, read right before it
                        variants.add(new Variant(selection, rs.wasNull() ? defaultSize : size));
                        notQueued += rs.getInt(3);
                    }
                }
            }
            return new Outstanding(List.copyOf(variants), notQueued);
        });
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
}
