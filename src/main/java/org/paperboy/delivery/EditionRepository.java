package org.paperboy.delivery;

import static org.paperboy.store.SqlValues.getDate;
import static org.paperboy.store.SqlValues.getInstant;
import static org.paperboy.store.SqlValues.setDate;
import static org.paperboy.store.SqlValues.setInstant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.paperboy.papers.RankedPaper;
import org.paperboy.store.Database;

/** SQL for editions and the papers frozen into them. */
public final class EditionRepository {

    private static final String COLUMNS = "id, edition_date, status, created_at, started_at, finished_at, last_error";

    private final Database database;
    private final Clock clock;

    public EditionRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** A paper's place in an edition as it was frozen: position, score and reason. */
    public record EditionPaper(int position, long paperId, double score, String reason) {
    }

    public Optional<Edition> find(LocalDate date) {
        return database.withConnection(connection -> find(connection, date));
    }

    /**
     * The edition for {@code date}, created with {@code selections} if there is none yet. Two
     * senders racing here both end up with the one row the unique date allows.
     */
    public Edition findOrCreate(LocalDate date, Map<Edition.Selection, List<RankedPaper>> selections) {
        Optional<Edition> existing = find(date);
        if (existing.isPresent()) {
            return existing.get();
        }
        Instant now = clock.instant();
        try {
            return database.inTransaction(connection -> {
                long id;
                try (PreparedStatement insert = connection.prepareStatement(
                        "insert into editions (edition_date, status, created_at, started_at) values (?, 'sending', ?, ?)",
                        new String[] {"id"})) {
                    setDate(insert, 1, date);
                    setInstant(insert, 2, now);
                    setInstant(insert, 3, now);
                    insert.executeUpdate();
                    try (ResultSet keys = insert.getGeneratedKeys()) {
                        keys.next();
                        id = keys.getLong(1);
                    }
                }
                try (PreparedStatement paper = connection.prepareStatement("""
                        insert into edition_papers (edition_id, selection, position, paper_id, score, reason)
                        values (?, ?, ?, ?, ?, ?)""")) {
                    for (Map.Entry<Edition.Selection, List<RankedPaper>> selection : selections.entrySet()) {
                        for (RankedPaper ranked : selection.getValue()) {
                            paper.setLong(1, id);
                            paper.setString(2, selection.getKey().dbValue());
                            paper.setInt(3, ranked.rank());
                            paper.setLong(4, ranked.paper().id());
                            paper.setDouble(5, ranked.score());
                            paper.setString(6, ranked.reason());
                            paper.addBatch();
                        }
                    }
                    paper.executeBatch();
                }
                return find(connection, date).orElseThrow();
            });
        } catch (RuntimeException e) {
            // another sender created it first
            return find(date).orElseThrow(() -> e);
        }
    }

    /**
     * Records that {@code nodeId} fires the missed digest run of {@code date}; false when another
     * node recorded it first. The date's primary key makes it once in the cluster.
     */
    public boolean claimCatchUp(LocalDate date, String nodeId) {
        try {
            return database.withConnection(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "insert into digest_catch_ups (edition_date, node_id, fired_at) values (?, ?, ?)")) {
                    setDate(insert, 1, date);
                    insert.setString(2, nodeId);
                    setInstant(insert, 3, clock.instant());
                    return insert.executeUpdate() == 1;
                }
            });
        } catch (org.paperboy.store.StoreException e) {
            if (find(date).isPresent() || catchUpRecorded(date)) {
                return false;
            }
            throw e;
        }
    }

    private boolean catchUpRecorded(LocalDate date) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("select count(*) from digest_catch_ups where edition_date = ?")) {
                setDate(ps, 1, date);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) > 0;
                }
            }
        });
    }

    public Map<Edition.Selection, List<EditionPaper>> papers(long editionId) {
        return database.withConnection(connection -> {
            Map<Edition.Selection, List<EditionPaper>> result = new EnumMap<>(Edition.Selection.class);
            for (Edition.Selection s : Edition.Selection.values()) {
                result.put(s, new ArrayList<>());
            }
            try (PreparedStatement ps = connection.prepareStatement("""
                    select selection, position, paper_id, score, reason from edition_papers
                    where edition_id = ? order by selection, position""")) {
                ps.setLong(1, editionId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.get(Edition.Selection.fromDb(rs.getString(1))).add(
                                new EditionPaper(rs.getInt(2), rs.getLong(3), rs.getDouble(4), rs.getString(5)));
                    }
                }
            }
            return result;
        });
    }

    /** All editions, newest first. */
    public List<Edition> list(int limit) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "select " + COLUMNS + " from editions order by edition_date desc limit ?")) {
                ps.setInt(1, limit);
                List<Edition> editions = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        editions.add(read(rs));
                    }
                }
                return editions;
            }
        });
    }

    /** A failed edition is being sent again (after its template was fixed); a sent one stays sent. */
    public void markSending(long editionId) {
        update("update editions set status = 'sending', finished_at = null, last_error = null"
                + " where id = ? and status = 'failed'", editionId, null, null);
    }

    public void markSent(long editionId) {
        update("update editions set status = 'sent', finished_at = ?, last_error = null where id = ? and status <> 'sent'",
                editionId, clock.instant(), null);
    }

    public void markFailed(long editionId, String error) {
        update("update editions set status = 'failed', finished_at = ?, last_error = ? where id = ?",
                editionId, clock.instant(), error);
    }

    private void update(String sql, long editionId, Instant at, String error) {
        database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int i = 1;
                if (at != null) {
                    setInstant(ps, i++, at);
                }
                if (error != null) {
                    ps.setString(i++, error.length() > 2000 ? error.substring(0, 2000) : error);
                }
                ps.setLong(i, editionId);
                return ps.executeUpdate();
            }
        });
    }

    private static Optional<Edition> find(Connection connection, LocalDate date) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select " + COLUMNS + " from editions where edition_date = ?")) {
            setDate(ps, 1, date);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Edition read(ResultSet rs) throws SQLException {
        return new Edition(rs.getLong("id"), getDate(rs, "edition_date"), Edition.Status.fromDb(rs.getString("status")),
                getInstant(rs, "created_at"), getInstant(rs, "started_at"), getInstant(rs, "finished_at"),
                rs.getString("last_error"));
    }
}
