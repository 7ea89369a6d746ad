import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.config.SettingsLoader;
import org.paperboy.delivery.Edition;
import org.paperboy.papers.Paper;
import org.paperboy.papers.PaperImporter;

/**
 * Seeds a benchmark database: the bundled sample papers and N active subscribers
 * (bench-000001@bench.example ...), inserted in JDBC batches. Settings come from the
 * environment like any paperboy command. Run with: java -cp target/paperboy.jar bench/BenchSeed.java N
 *
 * <p>With a second argument {@code personal}: each subscriber gets 0 to 3 topics drawn from 200
 * real keywords of the sample papers (the title words found in 2 to 25 titles, most frequent
 * first), and a history of two earlier editions (yesterday's and the day before's, chosen by
 * Paperboy's own code and marked sent), so today's choice has to leave out what they received.
 */
public class BenchSeed {
    static final int VOCABULARY = 200;
    static final Set<String> STOP = Set.of("with", "from", "that", "this", "their", "using", "into", "over", "under",
            "via", "towards", "toward", "through", "based", "for", "and", "the", "between", "when", "what", "does");

    public static void main(String[] args) {
        int count = Integer.parseInt(args[0]);
        boolean personal = args.length > 1 && args[1].equals("personal");
        Settings settings = SettingsLoader.load(System.getenv(), Path.of("").toAbsolutePath());
        try (Paperboy paperboy = Paperboy.open(settings, Clock.systemUTC())) {
            var report = new PaperImporter(paperboy.papers()).importSample();
            System.out.println("papers: " + report);
            List<String> vocabulary = personal ? vocabulary(PaperImporter.samplePapers()) : List.of();
            Random random = new Random(42);
            Timestamp now = Timestamp.from(Instant.now());
            int added = paperboy.database().inTransaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("""
                        insert into subscribers (email, status, created_at, updated_at, consent_at, consent_source,
                            confirmed_at, topics)
                        values (?, 'active', ?, ?, ?, 'bench', ?, ?)""")) {
                    int n = 0;
                    for (int i = 1; i <= count; i++) {
                        insert.setString(1, String.format("bench-%06d@bench.example", i));
                        insert.setTimestamp(2, now);
                        insert.setTimestamp(3, now);
                        insert.setTimestamp(4, now);
                        insert.setTimestamp(5, now);
                        insert.setString(6, personal ? topics(vocabulary, random) : "");
                        insert.addBatch();
                        if (i % 1000 == 0 || i == count) {
                            for (int c : insert.executeBatch()) {
                                n += c;
                            }
                        }
                    }
                    return n;
                }
            });
            System.out.println("subscribers added: " + added);
            if (personal) {
                LocalDate today = paperboy.planner().today();
                for (int daysAgo = 2; daysAgo >= 1; daysAgo--) {
                    Edition earlier = paperboy.sender().edition(today.minusDays(daysAgo));
                    String suffix = ".e" + earlier.id() + ".seed@bench.example";
                    var chosen = paperboy.readerSelections().chooseAll(earlier, org.paperboy.delivery.DueZones.EVERYONE,
                            paperboy.editionPapers().rankings(earlier), settings.digest().size(), suffix);
                    paperboy.readerSelections().writeRows(earlier, chosen, suffix);
                    paperboy.database().withConnection(connection -> {
                        try (PreparedStatement sent = connection.prepareStatement(
                                "update deliveries set state = 'sent', sent_at = ? where edition_id = ? and state = 'queued'");
                             PreparedStatement done = connection.prepareStatement(
                                "update editions set status = 'sent', finished_at = ? where id = ?")) {
                            sent.setTimestamp(1, now);
                            sent.setLong(2, earlier.id());
                            sent.executeUpdate();
                            done.setTimestamp(1, now);
                            done.setLong(2, earlier.id());
                            return done.executeUpdate();
                        }
                    });
                    System.out.println("history: edition " + earlier.date() + " with " + chosen.report().selections()
                            + " selections for " + chosen.report().readers() + " readers");
                }
            }
        }
    }

    /** The title words found in 2 to 25 titles of the sample, most frequent first. */
    static List<String> vocabulary(List<Paper> papers) {
        Map<String, Integer> titles = new HashMap<>();
        for (Paper p : papers) {
            Set<String> words = new HashSet<>();
            for (String w : p.title().toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                if (w.length() >= 4 && !STOP.contains(w)) {
                    words.add(w);
                }
            }
            words.forEach(w -> titles.merge(w, 1, Integer::sum));
        }
        List<String> words = new ArrayList<>(titles.keySet());
        words.removeIf(w -> titles.get(w) < 2 || titles.get(w) > 25);
        words.sort((a, b) -> titles.get(b) - titles.get(a) != 0 ? titles.get(b) - titles.get(a) : a.compareTo(b));
        List<String> chosen = words.subList(0, Math.min(VOCABULARY, words.size()));
        System.out.println("vocabulary: " + chosen.size() + " keywords, e.g. " + chosen.subList(0, Math.min(12, chosen.size())));
        return chosen;
    }

    static String topics(List<String> vocabulary, Random random) {
        int n = random.nextInt(4);
        Set<String> topics = new java.util.LinkedHashSet<>();
        while (topics.size() < n) {
            topics.add(vocabulary.get(random.nextInt(vocabulary.size())));
        }
        return String.join(",", topics);
    }
}
