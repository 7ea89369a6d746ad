package org.paperboy.delivery;

import static org.paperboy.store.SqlValues.setDate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.paperboy.digest.PaperChooser;
import org.paperboy.store.Database;

/**
 * SQL for selections, the distinct lists of papers an edition sent (see V30), and for what each
 * reader received in earlier editions.
 */
public final class SelectionRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<StoredEntry>> ENTRIES = new TypeReference<>() {
    };

    private final Database database;

    public SelectionRepository(Database database) {
        this.database = database;
    }

    /** One selection as stored: the ranking it was cut from and its papers in order. */
    public record Stored(long id, Edition.Selection ranking, List<PaperChooser.Entry> entries) {
    }

    /** The JSON form of an entry; {@code matches} is left out when null. */
    private record StoredEntry(long paper, @JsonInclude(JsonInclude.Include.NON_NULL) String matches) {
    }

    static String toJson(List<PaperChooser.Entry> entries) {
        try {
            return JSON.writeValueAsString(entries.stream().map(e -> new StoredEntry(e.paperId(), e.matches())).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<PaperChooser.Entry> fromJson(String json) {
        try {
            return JSON.readValue(json, ENTRIES).stream().map(e -> new PaperChooser.Entry(e.paper(), e.matches())).toList();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("selection papers are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Only the paper ids of a selection's JSON, read as a token stream: the history of 100,000
     * readers holds some 70,000 selections, and binding each to entries and records cost more
     * than reading them.
     */
    static long[] paperIds(String json) {
        try (JsonParser parser = JSON.getFactory().createParser(json)) {
            long[] ids = new long[16];
            int count = 0;
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalStateException("selection papers are not a JSON array");
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.START_OBJECT; token = parser.nextToken()) {
                boolean found = false;
                for (JsonToken field = parser.nextToken(); field == JsonToken.FIELD_NAME; field = parser.nextToken()) {
                    String name = parser.currentName();
                    parser.nextToken();
                    if ("paper".equals(name)) {
                        if (count == ids.length) {
                            ids = Arrays.copyOf(ids, count * 2);
                        }
                        ids[count++] = parser.getLongValue();
                        found = true;
                    } else {
                        parser.skipChildren();
                    }
                }
                if (!found) {
                    throw new IllegalStateException("a selection entry without a paper: " + json);
                }
            }
            return Arrays.copyOf(ids, count);
        } catch (IOException e) {
            throw new IllegalStateException("selection papers are not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Every selection of an edition, by id. */
    public Map<Long, Stored> forEdition(long editionId) {
        return read("select id, ranking, papers from selections where edition_id = ?", editionId);
    }

    /** One selection, or null. */
    public Stored find(long selectionId) {
        return read("select id, ranking, papers from selections where id = ?", selectionId).get(selectionId);
    }

    private Map<Long, Stored> read(String sql, long key) {
        return database.withConnection(connection -> {
            Map<Long, Stored> result = new LinkedHashMap<>();
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.put(rs.getLong(1), new Stored(rs.getLong(1), Edition.Selection.fromDb(rs.getString(2)),
                                fromJson(rs.getString(3))));
                    }
                }
            }
            return result;
        });
    }

    /**
     * What readers received before the edition of {@code date}, in editions from {@code since} up
     * to the day before: per subscriber, the selections of their deliveries, and the papers of each
     * selection. A delivery without a selection carried the first {@code digest_size} papers of its
     * edition's ranking; those lists get negative ids here. Deliveries in flight count as received:
     * they may have reached the reader.
     */
    Received received(LocalDate since, LocalDate date) {
        return database.withConnection(connection -> {
            Map<Long, long[]> bySubscriber = new HashMap<>();
            Map<String, Long> cuts = new HashMap<>(); // "edition/ranking/size" of deliveries without a selection
            try (PreparedStatement ps = connection.prepareStatement("""
                    select d.subscriber_id, d.selection_id, d.edition_id, d.selection, d.digest_size
                    from deliveries d join editions e on e.id = d.edition_id
                    where d.state in ('sent', 'sending', 'deferred') and e.edition_date < ? and e.edition_date >= ?""")) {
                setDate(ps, 1, date);
                setDate(ps, 2, since);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long selection = rs.getLong(2);
                        if (rs.wasNull()) {
                            String cut = rs.getLong(3) + "/" + rs.getString(4) + "/" + rs.getInt(5);
                            selection = cuts.computeIfAbsent(cut, k -> -1L - cuts.size());
                        }
                        long[] before = bySubscriber.get(rs.getLong(1));
                        long[] now = before == null ? new long[1] : Arrays.copyOf(before, before.length + 1);
                        now[now.length - 1] = selection;
                        bySubscriber.put(rs.getLong(1), now);
                    }
                }
            }
            Map<Long, long[]> papers = new HashMap<>();
            try (PreparedStatement ps = connection.prepareStatement("""
                    select paper_id from edition_papers where edition_id = ? and selection = ?
                    order by position limit ?""")) {
                for (Map.Entry<String, Long> cut : cuts.entrySet()) {
                    String[] parts = cut.getKey().split("/");
                    ps.setLong(1, Long.parseLong(parts[0]));
                    ps.setString(2, parts[1]);
                    ps.setInt(3, Integer.parseInt(parts[2]));
                    List<Long> ids = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                    papers.put(cut.getValue(), ids.stream().mapToLong(Long::longValue).toArray());
                }
            }
            return new Received(bySubscriber, papers);
        });
    }

    /** Per subscriber the ids of the selections they received, and the papers of those without a stored one. */
    record Received(Map<Long, long[]> selectionsBySubscriber, Map<Long, long[]> cutPapers) {
    }

    /** The papers of the given selections, by selection id; read in one query per hundred. */
    Map<Long, long[]> papersOf(Collection<Long> selectionIds) {
        Map<Long, long[]> result = new HashMap<>();
        List<Long> ids = new ArrayList<>(selectionIds);
        for (int from = 0; from < ids.size(); from += 100) {
            List<Long> slice = ids.subList(from, Math.min(ids.size(), from + 100));
            database.withConnection(connection -> {
                String in = String.join(",", Collections.nCopies(slice.size(), "?"));
                try (PreparedStatement ps = connection.prepareStatement(
                        "select id, papers from selections where id in (" + in + ")")) {
                    for (int i = 0; i < slice.size(); i++) {
                        ps.setLong(i + 1, slice.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            result.put(rs.getLong(1), paperIds(rs.getString(2)));
                        }
                    }
                }
                return null;
            });
        }
        return result;
    }

    /** Why an edition's skipped rows were skipped, with how many each. */
    public Map<String, Integer> skipReasons(long editionId) {
        return database.withConnection(connection -> {
            Map<String, Integer> reasons = new LinkedHashMap<>();
            try (PreparedStatement ps = connection.prepareStatement("""
                    select coalesce(last_reply, 'unknown'), count(*) from deliveries
                    where edition_id = ? and state = 'skipped' group by last_reply order by count(*) desc""")) {
                ps.setLong(1, editionId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        reasons.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
            return reasons;
        });
    }
}
