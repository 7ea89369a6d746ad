import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.config.SettingsLoader;
import org.paperboy.papers.PaperImporter;

/**
 * Seeds a benchmark database: the bundled sample papers and N active subscribers
 * (bench-000001@bench.example ...), inserted in JDBC batches. Settings come from the
 * environment like any paperboy command. Run with: java -cp target/paperboy.jar bench/BenchSeed.java N
 */
public class BenchSeed {
    public static void main(String[] args) {
        int count = Integer.parseInt(args[0]);
        Settings settings = SettingsLoader.load(System.getenv(), Path.of("").toAbsolutePath());
        try (Paperboy paperboy = Paperboy.open(settings, Clock.systemUTC())) {
            var report = new PaperImporter(paperboy.papers()).importSample();
            System.out.println("papers: " + report);
            Timestamp now = Timestamp.from(Instant.now());
            int added = paperboy.database().inTransaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement("""
                        insert into subscribers (email, status, created_at, updated_at, consent_at, consent_source,
                            confirmed_at)
                        values (?, 'active', ?, ?, ?, 'bench', ?)""")) {
                    int n = 0;
                    for (int i = 1; i <= count; i++) {
                        insert.setString(1, String.format("bench-%06d@bench.example", i));
                        insert.setTimestamp(2, now);
                        insert.setTimestamp(3, now);
                        insert.setTimestamp(4, now);
                        insert.setTimestamp(5, now);
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
        }
    }
}
