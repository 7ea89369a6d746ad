package org.paperboy.delivery;

import static org.paperboy.store.SqlValues.setInstant;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.paperboy.config.Settings;
import org.paperboy.digest.PaperChooser;
import org.paperboy.papers.RankedPaper;
import org.paperboy.store.Database;
import org.paperboy.store.StoreException;
import org.paperboy.subscriptions.SubscriberRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses, before an edition goes out, the papers of every reader due it who has no row yet: their
 * topics first, nothing they already received, and no message at all when too little is new. Each
 * distinct list is stored once as a selection. The readers' rows are queued in the order of their
 * selections, so the sender meets each selection in one stretch and renders it once; they are
 * written by a {@link ChosenRowsWriter} while the first of them are sent, not before. A reader whose
 * row was not written yet when a run stopped has none, and the next run chooses for them again,
 * from the same history. A reader whose digest is simply the top of the ranking (no topic matched,
 * nothing received before) gets no row here: the sender makes it as it claims them, without a
 * selection, as for every reader before selections existed, and the ledger reads such a row as the
 * first {@code digest_size} papers of its ranking.
 */
public final class ReaderSelections {

    private static final Logger log = LoggerFactory.getLogger(ReaderSelections.class);

    /** The reason on the row of a reader who had too little new that day. */
    public static final String NOTHING_NEW = "nothing new";
    /**
     * How far back "already received" looks when repeats are never allowed: a paper only comes
     * back once it trends again, and a ranking window is at most a year, so older deliveries
     * would only cost reading time.
     */
    static final int LOOKBACK_DAYS = 400;
    /**
     * Rows written per transaction. H2 rewrites every index page a commit touched, and the rows of
     * one selection's readers are spread over the whole (edition, subscriber) index: fewer, larger
     * commits rewrite each page fewer times (100,000 rows: 7.8-8.9 s of the writer's CPU with 5,000
     * per commit, 6.7-7.3 s with 20,000).
     */
    static final int ROWS_PER_COMMIT = 20_000;

    private final Database database;
    private final SelectionRepository selections;
    private final Settings.Choosing choosing;
    private final Clock clock;

    public ReaderSelections(Database database, SelectionRepository selections, Settings.Choosing choosing, Clock clock) {
        this.database = database;
        this.selections = selections;
        this.choosing = choosing;
        this.clock = clock;
    }

    /** What one choosing pass did: readers chosen for, distinct selections among them, readers skipped. */
    public record Report(int readers, int selections, int nothingNew, Duration took) {
        public static final Report NONE = new Report(0, 0, 0, Duration.ZERO);
    }

    /**
     * A reader's row to write: queued with their selection (the ranking it cuts, how many papers,
     * which list), or, with selection 0, skipped because {@link #NOTHING_NEW}.
     */
    record ChosenRow(long subscriberId, Edition.Selection ranking, int size, long selectionId) {
        boolean skipped() {
            return selectionId == 0;
        }
    }

    /**
     * A choosing pass: its report, the queued rows to write in this order (each selection's readers
     * together), and who was due without a row: those rows and the readers left to the general list,
     * with its variants (null when nobody was chosen for).
     */
    public record Chosen(Report report, List<ChosenRow> rows, DeliveryLedger.Outstanding dueWithoutRow) {
        public static final Chosen NONE = new Chosen(Report.NONE, List.of(), null);
    }

    private record Reader(long id, boolean weekly, int size, String topics) {
    }

    /**
     * What decides a reader's list: the ranking, their topics as stored, their digest size and the
     * selections they received before (sorted). Equal cases get equal lists, so each is chosen once.
     */
    private record CaseKey(Edition.Selection ranking, String topics, int size, long[] received) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CaseKey k && ranking == k.ranking && size == k.size
                    && Objects.equals(topics, k.topics) && Arrays.equals(received, k.received);
        }

        @Override
        public int hashCode() {
            return (ranking.hashCode() * 31 + Objects.hashCode(topics)) * 31 + size * 17
                    + Arrays.hashCode(received);
        }
    }

    /** A case's outcome: the index of its selection, -1 for the general cut of {@code size} papers; or nothing new. */
    private record Outcome(int selection, int size) {
        static final Outcome NOTHING_NEW = new Outcome(-2, 0);
    }

    /** One reader's outcome: the index of their selection among the edition's distinct ones, or -1 when skipped. */
    private record Choice(long subscriberId, Edition.Selection ranking, int size, int selection) {
    }

    /**
     * Chooses for every reader due {@code edition} who has no row in it: their selections are stored
     * and their rows returned, to be written by {@link #write}; readers with too little new get their
     * row now, skipped with {@link #NOTHING_NEW}.
     */
    public Chosen chooseAll(Edition edition, DueZones zones, Map<Edition.Selection, List<RankedPaper>> rankings,
                            int defaultSize, String messageIdSuffix) {
        long start = System.nanoTime();
        if (!anyoneDue(edition, zones)) {
            return Chosen.NONE;
        }
        // the readers and what they received are read at once, on two connections: neither needs the
        // other, and each takes a second or two for a hundred thousand readers
        CompletableFuture<History> received = CompletableFuture.supplyAsync(() -> history(edition.date()));
        List<Reader> readers;
        try {
            readers = dueReaders(edition, zones);
        } catch (RuntimeException e) {
            received.handle((done, failed) -> null).join(); // its connection back before the error goes up
            throw e;
        }
        History history = joined(received);
        if (readers.isEmpty()) {
            return Chosen.NONE; // the last due reader got a row (another sender) in between
        }
        PaperChooser.Weights weights = new PaperChooser.Weights(choosing.topicWeight(), choosing.trendingWeight());
        Map<Edition.Selection, PaperChooser> choosers = new EnumMap<>(Edition.Selection.class);
        // each distinct selection once, by its key (ranking and papers as stored); readers hold its index
        Map<String, Integer> index = new HashMap<>();
        List<String> keys = new ArrayList<>();
        List<Choice> choices = new ArrayList<>(readers.size());
        int nothingNew = 0;
        Set<String> generalCuts = new HashSet<>();
        Set<DeliveryLedger.Variant> generalVariants = new HashSet<>();
        int general = 0;
        // readers with the same ranking, topics, size and earlier selections get the same list: each case is
        // chosen once, the distinct cases on every core (a chooser and its topic index may be shared), then
        // numbered in the readers' order, so that no outcome depends on which thread chose what
        Map<CaseKey, Integer> caseIndex = new HashMap<>();
        List<CaseKey> cases = new ArrayList<>();
        int[] caseOfReader = new int[readers.size()];
        for (int r = 0; r < readers.size(); r++) {
            Reader reader = readers.get(r);
            Edition.Selection ranking = reader.weekly() ? Edition.Selection.WEEKLY : Edition.Selection.DAILY;
            int size = reader.size() > 0 ? reader.size() : defaultSize;
            CaseKey key = new CaseKey(ranking, reader.topics(), size, history.selectionsOf(reader.id()));
            caseOfReader[r] = caseIndex.computeIfAbsent(key, k -> {
                cases.add(k);
                return cases.size() - 1;
            });
            choosers.computeIfAbsent(ranking, k -> new PaperChooser(rankings.getOrDefault(k, List.of()), weights));
        }
        CaseChoice[] chosen = new CaseChoice[cases.size()];
        IntStream.range(0, cases.size()).parallel().forEach(c -> {
            CaseKey key = cases.get(c);
            chosen[c] = choose(choosers.get(key.ranking()), key, history);
        });
        Outcome[] outcomes = new Outcome[cases.size()];
        for (int c = 0; c < cases.size(); c++) {
            CaseChoice choice = chosen[c];
            if (choice.outcome() != null) {
                outcomes[c] = choice.outcome();
                continue;
            }
            int selection = index.computeIfAbsent(key(cases.get(c).ranking(), choice.json()), k -> {
                keys.add(k);
                return keys.size() - 1;
            });
            outcomes[c] = new Outcome(selection, choice.size());
        }
        for (int r = 0; r < readers.size(); r++) {
            Reader reader = readers.get(r);
            Edition.Selection ranking = cases.get(caseOfReader[r]).ranking();
            Outcome outcome = outcomes[caseOfReader[r]];
            if (outcome == Outcome.NOTHING_NEW) {
                choices.add(new Choice(reader.id(), ranking, 0, -1));
                nothingNew++;
            } else if (outcome.selection() < 0) {
                generalCuts.add(ranking + "/" + outcome.size());
                // their row, made as a sender claims it, carries the size they chose (or the default)
                generalVariants.add(new DeliveryLedger.Variant(ranking, cases.get(caseOfReader[r]).size()));
                general++;
            } else {
                choices.add(new Choice(reader.id(), ranking, outcome.size(), outcome.selection()));
            }
        }
        long[] ids = store(edition.id(), keys);
        List<ChosenRow> rows = new ArrayList<>(choices.size());
        List<ChosenRow> skipped = new ArrayList<>();
        for (Choice c : choices) {
            if (c.selection() < 0) {
                skipped.add(new ChosenRow(c.subscriberId(), c.ranking(), 0, 0));
            } else {
                rows.add(new ChosenRow(c.subscriberId(), c.ranking(), c.size(), ids[c.selection()]));
            }
        }
        writeRows(edition, skipped, messageIdSuffix);
        // queued rows in selection order: the sender then meets each selection in one stretch
        rows.sort(Comparator.comparingLong(ChosenRow::selectionId));
        // readers left to the general list share one digest per ranking and size
        Report report = new Report(readers.size(), keys.size() + generalCuts.size(), nothingNew,
                Duration.ofNanos(System.nanoTime() - start));
        log.info("event=selections_chosen edition={} readers={} selections={} nothing_new={} millis={}", edition.id(),
                report.readers(), report.selections(), report.nothingNew(), report.took().toMillis());
        return new Chosen(report, List.copyOf(rows),
                new DeliveryLedger.Outstanding(List.copyOf(generalVariants), rows.size() + general));
    }

    /** One case chosen: its outcome when that is settled (nothing new, the general cut), else its papers as stored. */
    private record CaseChoice(Outcome outcome, String json, int size) {
    }

    private CaseChoice choose(PaperChooser chooser, CaseKey key, History history) {
        PaperChooser.Selection chosen = chooser.choose(SubscriberRepository.storedTopics(key.topics()),
                history.papers(key.received()), key.size());
        if (chosen.nothingNew(choosing.minPapers())) {
            return new CaseChoice(Outcome.NOTHING_NEW, null, 0);
        }
        if (chosen.matching() == 0 && chosen.leftOut() == 0) {
            // the general cut of the ranking: their row is made as a sender claims it, as for everyone before
            return new CaseChoice(new Outcome(-1, chosen.papers().size()), null, 0);
        }
        return new CaseChoice(null, SelectionRepository.toJson(chosen.entries()), chosen.papers().size());
    }

    /** The selection ids of {@code keys}: the ones the edition has already, the others stored now. */
    private long[] store(long editionId, List<String> keys) {
        Map<String, Long> stored = storedKeys(editionId);
        List<String> fresh = keys.stream().filter(key -> !stored.containsKey(key)).toList();
        if (!fresh.isEmpty()) {
            long[] freshIds = storeSelections(editionId, fresh);
            for (int i = 0; i < freshIds.length; i++) {
                stored.put(fresh.get(i), freshIds[i]);
            }
        }
        long[] ids = new long[keys.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = stored.get(keys.get(i));
        }
        return ids;
    }

    private Map<String, Long> storedKeys(long editionId) {
        Map<String, Long> keys = new HashMap<>();
        selections.forEdition(editionId).values().forEach(s -> keys.putIfAbsent(
                key(s.ranking(), SelectionRepository.toJson(s.entries())), s.id()));
        return keys;
    }

    private static String key(Edition.Selection ranking, String json) {
        return ranking.dbValue() + json;
    }

    /** Whether anyone is due {@code edition} without a row: answered at the first such reader. */
    private boolean anyoneDue(Edition edition, DueZones zones) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("select 1 from subscribers s where "
                    + DeliveryLedger.DUE_WITHOUT_ROW + zones.sql() + " fetch first 1 row only")) {
                DeliveryLedger.bindDue(ps, 1, edition, zones);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The value of {@code future}, with what it threw thrown as it was. */
    private static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private List<Reader> dueReaders(Edition edition, DueZones zones) {
        return database.withConnection(connection -> {
            List<Reader> readers = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("""
                    select s.id, s.frequency, s.digest_size, s.topics from subscribers s
                    where""" + " " + DeliveryLedger.DUE_WITHOUT_ROW + zones.sql() + " order by s.status, s.id")) {
                DeliveryLedger.bindDue(ps, 1, edition, zones);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        readers.add(new Reader(rs.getLong(1), "weekly".equals(rs.getString(2)), rs.getInt(3),
                                rs.getString(4)));
                    }
                }
            }
            return readers;
        });
    }

    /**
     * What readers received within the repeat window: per reader the selections (a few ids), and
     * the papers of each selection once; a reader's set of papers is made when they are chosen for.
     */
    private record History(Map<Long, long[]> selectionsBySubscriber, Map<Long, long[]> papersBySelection) {
        private static final long[] NONE = new long[0];

        /** The selections a reader received, sorted: two readers with the same ones received the same papers. */
        long[] selectionsOf(long subscriberId) {
            long[] ids = selectionsBySubscriber.get(subscriberId);
            if (ids == null) {
                return NONE;
            }
            long[] sorted = ids.clone();
            Arrays.sort(sorted);
            return sorted;
        }

        /** The papers of those selections. */
        Set<Long> papers(long[] selectionIds) {
            if (selectionIds.length == 0) {
                return Set.of();
            }
            Set<Long> papers = new HashSet<>();
            for (long id : selectionIds) {
                for (long paper : papersBySelection.getOrDefault(id, NONE)) {
                    papers.add(paper);
                }
            }
            return papers;
        }
    }

    private History history(LocalDate date) {
        // received on day D, a paper may come again from day D + repeatAfterDays on
        int days = choosing.repeatAfterDays() == Settings.Choosing.NEVER ? LOOKBACK_DAYS : choosing.repeatAfterDays();
        SelectionRepository.Received received = selections.received(date.minusDays(days - 1L), date);
        Set<Long> selectionIds = new HashSet<>();
        received.selectionsBySubscriber().values().forEach(ids -> {
            for (long id : ids) {
                if (id > 0) {
                    selectionIds.add(id);
                }
            }
        });
        Map<Long, long[]> papers = new HashMap<>(selections.papersOf(selectionIds));
        papers.putAll(received.cutPapers());
        return new History(received.selectionsBySubscriber(), papers);
    }

    /** Stores {@code fresh} and returns their ids, in order: the keys the database made, not a second read of them all. */
    private long[] storeSelections(long editionId, List<String> fresh) {
        long[] ids = new long[fresh.size()];
        for (int from = 0; from < fresh.size(); from += ROWS_PER_COMMIT) {
            List<String> slice = fresh.subList(from, Math.min(fresh.size(), from + ROWS_PER_COMMIT));
            int first = from;
            database.inTransaction(connection -> {
                try (PreparedStatement ps = connection.prepareStatement(
                        "insert into selections (edition_id, ranking, papers) values (?, ?, ?)", new String[] {"id"})) {
                    for (String key : slice) {
                        ps.setLong(1, editionId);
                        // the key starts with the ranking's name, then the papers as stored
                        Edition.Selection ranking = key.startsWith(Edition.Selection.WEEKLY.dbValue())
                                ? Edition.Selection.WEEKLY : Edition.Selection.DAILY;
                        ps.setString(2, ranking.dbValue());
                        ps.setString(3, key.substring(ranking.dbValue().length()));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    int i = first;
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        while (keys.next()) {
                            ids[i++] = keys.getLong(1);
                        }
                    }
                    if (i != first + slice.size()) {
                        throw new SQLException("the database returned " + (i - first) + " keys for " + slice.size()
                                + " stored selections");
                    }
                }
                return null;
            });
        }
        return ids;
    }

    /**
     * Writes every row of {@code chosen} now, in its order: for a caller that does not send (a
     * benchmark's history); a run writes them while it sends ({@link ChosenRowsWriter}).
     */
    public void writeRows(Edition edition, Chosen chosen, String messageIdSuffix) {
        writeRows(edition, chosen.rows(), messageIdSuffix);
    }

    private void writeRows(Edition edition, List<ChosenRow> rows, String messageIdSuffix) {
        for (int from = 0; from < rows.size(); from += ROWS_PER_COMMIT) {
            write(edition, rows.subList(from, Math.min(rows.size(), from + ROWS_PER_COMMIT)), messageIdSuffix);
        }
    }

    /**
     * Writes {@code rows} in one transaction, in their order. When a second sender wrote a row for
     * one of these readers at the same moment, they are written again, passing over the readers who
     * have one (or were erased meanwhile).
     */
    void write(Edition edition, List<ChosenRow> rows, String messageIdSuffix) {
        for (int attempt = 1; ; attempt++) {
            try {
                insertRows(edition, rows, messageIdSuffix, attempt > 1);
                return;
            } catch (StoreException e) {
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    private void insertRows(Edition edition, List<ChosenRow> rows, String messageIdSuffix, boolean guarded) {
        Instant now = clock.instant();
        String columns = """
                insert into deliveries (edition_id, subscriber_id, state, selection, digest_size, message_id,
                    attempts, updated_at, selection_id, last_reply)""";
        database.inTransaction(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(guarded ? columns + """

                    select ?, ?, ?, ?, ?, ?, 0, ?, ?, ? from subscribers s
                    where s.id = ? and not exists (select 1 from deliveries d where d.edition_id = ? and d.subscriber_id = ?)"""
                    : columns + " values (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)")) {
                for (ChosenRow row : rows) {
                    int i = 1;
                    ps.setLong(i++, edition.id());
                    ps.setLong(i++, row.subscriberId());
                    ps.setString(i++, row.skipped() ? "skipped" : "queued");
                    ps.setString(i++, row.ranking().dbValue());
                    ps.setInt(i++, row.size());
                    // the same Message-ID a row made by a claim would carry
                    ps.setString(i++, DeliveryLedger.messageId(edition, row.subscriberId(), messageIdSuffix));
                    setInstant(ps, i++, now);
                    if (row.skipped()) {
                        ps.setNull(i++, java.sql.Types.BIGINT);
                        ps.setString(i++, NOTHING_NEW);
                    } else {
                        ps.setLong(i++, row.selectionId());
                        ps.setNull(i++, java.sql.Types.VARCHAR);
                    }
                    if (guarded) {
                        ps.setLong(i++, row.subscriberId());
                        ps.setLong(i++, edition.id());
                        ps.setLong(i, row.subscriberId());
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }
}
