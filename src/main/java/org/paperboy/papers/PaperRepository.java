package org.paperboy.papers;

import static org.paperboy.store.SqlValues.getInstant;
import static org.paperboy.store.SqlValues.getInteger;
import static org.paperboy.store.SqlValues.setInstant;
import static org.paperboy.store.SqlValues.setInteger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.paperboy.store.Database;

/** SQL for the papers aggregate. */
public final class PaperRepository {

    private static final String COLUMNS = """
            id, external_id, title, summary, ai_summary, authors, keywords, page_url, pdf_url, code_url,
            category, published_at, featured_at, upvotes, github_stars, source, source_rank, first_seen_at""";

    private final Database database;
    private final Clock clock;

    public PaperRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** How many papers a batch of upserts added and how many it refreshed. */
    public record UpsertCounts(int inserted, int updated) {
        public UpsertCounts plus(UpsertCounts other) {
            return new UpsertCounts(inserted + other.inserted, updated + other.updated);
        }
    }

    /**
     * Inserts new papers and refreshes known ones (matched on external id): title, text, links
     * and signals are updated, {@code first_seen_at} is kept. Links and signals a source did not
     * provide (null, or a weaker source rank) do not erase what another source said.
     */
    public UpsertCounts upsert(Collection<Paper> papers) {
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            int inserted = 0;
            int updated = 0;
            try (PreparedStatement update = connection.prepareStatement("""
                    update papers set title = ?, summary = case when ? = '' then summary else ? end,
                        ai_summary = coalesce(?, ai_summary), authors = case when ? = '' then authors else ? end,
                        keywords = coalesce(?, keywords), page_url = coalesce(?, page_url),
                        pdf_url = coalesce(?, pdf_url), code_url = coalesce(?, code_url),
                        category = coalesce(?, category), published_at = coalesce(?, published_at),
                        featured_at = coalesce(?, featured_at), upvotes = greatest(upvotes, ?),
                        github_stars = greatest(github_stars, ?),
                        source = case when ? is null then source else ? end, source_rank = coalesce(?, source_rank),
                        updated_at = ?
                    where external_id = ?""");
                 PreparedStatement insert = connection.prepareStatement("""
                    insert into papers (external_id, title, summary, ai_summary, authors, keywords, page_url,
                        pdf_url, code_url, category, published_at, featured_at, upvotes, github_stars, source,
                        source_rank, first_seen_at, updated_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (Paper p : papers) {
                    String authors = String.join("\n", p.authors());
                    int i = 1;
                    update.setString(i++, p.title());
                    update.setString(i++, p.summary());
                    update.setString(i++, p.summary());
                    update.setString(i++, p.aiSummary());
                    update.setString(i++, authors);
                    update.setString(i++, authors);
                    update.setString(i++, p.keywords().isEmpty() ? null : String.join(",", p.keywords()));
                    update.setString(i++, p.pageUrl());
                    update.setString(i++, p.pdfUrl());
                    update.setString(i++, p.codeUrl());
                    update.setString(i++, p.category());
                    setInstant(update, i++, p.publishedAt());
                    setInstant(update, i++, p.featuredAt());
                    update.setInt(i++, p.upvotes());
                    update.setInt(i++, p.githubStars());
                    setInteger(update, i++, p.sourceRank());
                    update.setString(i++, p.source());
                    setInteger(update, i++, p.sourceRank());
                    setInstant(update, i++, now);
                    update.setString(i, p.externalId());
                    if (update.executeUpdate() > 0) {
                        updated++;
                        continue;
                    }
                    i = 1;
                    insert.setString(i++, p.externalId());
                    insert.setString(i++, p.title());
                    insert.setString(i++, p.summary());
                    insert.setString(i++, p.aiSummary());
                    insert.setString(i++, authors);
                    insert.setString(i++, p.keywords().isEmpty() ? null : String.join(",", p.keywords()));
                    insert.setString(i++, p.pageUrl());
                    insert.setString(i++, p.pdfUrl());
                    insert.setString(i++, p.codeUrl());
                    insert.setString(i++, p.category());
                    setInstant(insert, i++, p.publishedAt());
                    setInstant(insert, i++, p.featuredAt());
                    insert.setInt(i++, p.upvotes());
                    insert.setInt(i++, p.githubStars());
                    insert.setString(i++, p.source());
                    setInteger(insert, i++, p.sourceRank());
                    setInstant(insert, i++, p.firstSeenAt() != null ? p.firstSeenAt() : now);
                    setInstant(insert, i, now);
                    insert.executeUpdate();
                    inserted++;
                }
            }
            return new UpsertCounts(inserted, updated);
        });
    }

    /** Papers that started trending at or after {@code since}: the ranker's candidates. */
    public List<Paper> trendingSince(Instant since) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("select " + COLUMNS + """
                     from papers
                    where coalesce(featured_at, first_seen_at) >= ?
                    order by id""")) {
                setInstant(ps, 1, since);
                return readAll(ps);
            }
        });
    }

    /** The papers with the given ids, in the order of {@code ids}. */
    public List<Paper> byIds(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Long, Paper> found = database.withConnection(connection -> {
            String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
            try (PreparedStatement ps = connection.prepareStatement(
                    "select " + COLUMNS + " from papers where id in (" + marks + ")")) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setLong(i + 1, ids.get(i));
                }
                Map<Long, Paper> byId = new HashMap<>();
                for (Paper p : readAll(ps)) {
                    byId.put(p.id(), p);
                }
                return byId;
            }
        });
        Map<Long, Paper> ordered = new LinkedHashMap<>();
        for (Long id : ids) {
            Paper p = found.get(id);
            if (p != null) {
                ordered.put(id, p);
            }
        }
        return List.copyOf(ordered.values());
    }

    public int count() {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("select count(*) from papers");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static List<Paper> readAll(PreparedStatement ps) throws SQLException {
        List<Paper> papers = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                papers.add(read(rs));
            }
        }
        return papers;
    }

    private static Paper read(ResultSet rs) throws SQLException {
        String authors = rs.getString("authors");
        String keywords = rs.getString("keywords");
        return new Paper(
                rs.getLong("id"),
                rs.getString("external_id"),
                rs.getString("title"),
                rs.getString("summary"),
                rs.getString("ai_summary"),
                authors == null || authors.isEmpty() ? List.of() : Arrays.asList(authors.split("\n")),
                keywords == null || keywords.isEmpty() ? List.of() : Arrays.asList(keywords.split(",")),
                rs.getString("page_url"),
                rs.getString("pdf_url"),
                rs.getString("code_url"),
                rs.getString("category"),
                getInstant(rs, "published_at"),
                getInstant(rs, "featured_at"),
                rs.getInt("upvotes"),
                rs.getInt("github_stars"),
                rs.getString("source"),
                getInteger(rs, "source_rank"),
                getInstant(rs, "first_seen_at"));
    }

}
