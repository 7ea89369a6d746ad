package org.paperboy.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.config.Settings;

/**
 * Opening an H2 file database (migrations, and the shortcut past Flyway when nothing is
 * pending) and closing it (a file that is mostly dead pages is rewritten).
 */
class DatabaseTest {

    @TempDir
    Path dir;

    private Database open() {
        return Database.open(new Settings.Database("jdbc:h2:file:" + dir.resolve("paperboy").toAbsolutePath(), "sa", ""));
    }

    @Test
    void theSchemaVersionIsTheNewestMigrationAndNothingIsPendingAfterOpening() {
        try (Database database = open()) {
            var info = Database.flyway(database.dataSource(), database.vendor()).info();
            MigrationInfo[] all = info.all();

            assertThat(Database.SCHEMA_VERSION).isEqualTo(all[all.length - 1].getVersion().getVersion());
            assertThat(info.pending()).isEmpty();
            assertThat(info.current().getVersion().getVersion()).isEqualTo(Database.SCHEMA_VERSION);
        }
    }

    @Test
    void aDatabaseOneMigrationBehindIsMigratedWhenOpened() throws Exception {
        try (Database database = open(); Connection connection = database.connection();
             Statement statement = connection.createStatement()) {
            // as a database left by the build before the newest migration
            statement.execute("alter table subscribers drop column timezone");
            statement.execute("delete from \"flyway_schema_history\" where \"version\" = '" + Database.SCHEMA_VERSION + "'");
        }

        try (Database database = open(); Connection connection = database.connection();
             Statement statement = connection.createStatement()) {
            assertThat(statement.executeQuery("select count(*) from subscribers where timezone is null").next()).isTrue();
            assertThat(Database.flyway(database.dataSource(), database.vendor()).info().pending()).isEmpty();
        }
    }

    private Database open(String options) {
        return Database.open(new Settings.Database("jdbc:h2:file:" + dir.resolve("paperboy").toAbsolutePath() + options,
                "sa", ""));
    }

    private Path file() {
        return dir.resolve("paperboy.mv.db");
    }

    /** Writes 2,000 rows of 1 KB and rewrites them five times, one commit each: most pages in the file are dead. */
    private static void churn(Database database) throws Exception {
        try (Connection connection = database.connection(); Statement statement = connection.createStatement()) {
            statement.execute("create table churn (id int primary key, body varchar(2000))");
            statement.execute("insert into churn select x, repeat('a', 1000) from system_range(1, 2000)");
            for (char c = 'b'; c <= 'f'; c++) {
                statement.execute("update churn set body = repeat('" + c + "', 1000)");
            }
        }
    }

    @Test
    void aFileThatIsMostlyDeadPagesIsRewrittenWhenClosedAndKeepsItsData() throws Exception {
        Database database = open();
        churn(database);
        long before = java.nio.file.Files.size(file());

        database.close(1 << 20);

        long after = java.nio.file.Files.size(file());
        assertThat(after).as("bytes after, %d before", before).isLessThan(before / 2);
        try (Database reopened = open(); Connection connection = reopened.connection();
             Statement statement = connection.createStatement();
             java.sql.ResultSet rs = statement.executeQuery("select count(*), min(body) from churn")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2000);
            assertThat(rs.getString(2)).isEqualTo("f".repeat(1000));
        }
    }

    @Test
    void aSmallFileIsNotRewritten() throws Exception {
        Database database = open();
        churn(database);
        long before = java.nio.file.Files.size(file());
        assertThat(before).isLessThan(Database.COMPACT_ABOVE_BYTES);

        database.close();

        assertThat(java.nio.file.Files.size(file())).isEqualTo(before);
    }

    @Test
    void aFileAnotherProcessIsConnectedToIsNotRewritten() throws Exception {
        // a command run while serve holds the file reaches it through H2's automatic server;
        // rewriting the file would cut that command's connection off
        Database owner = open(";AUTO_SERVER=TRUE");
        churn(owner);
        long before = java.nio.file.Files.size(file());
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldConnection.class.getName(),
                "jdbc:h2:file:" + dir.resolve("paperboy").toAbsolutePath() + ";AUTO_SERVER=TRUE")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(other.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("connected");

            owner.compactIfWasteful(1 << 20);
            long whileConnected = java.nio.file.Files.size(file());
            owner.close(1 << 20);

            assertThat(whileConnected).isEqualTo(before);
            assertThat(java.nio.file.Files.size(file())).isEqualTo(before);
        } finally {
            other.getOutputStream().close();
            assertThat(other.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    private static String writeDelay(Database database) {
        return database.withConnection(connection -> {
            try (Statement statement = connection.createStatement();
                 java.sql.ResultSet rs = statement.executeQuery(
                         "select setting_value from information_schema.settings where setting_name = 'WRITE_DELAY'")) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    @Test
    void aFileThatIsMostlyDeadPagesIsRewrittenWhileInUseAndWhoeverAsksMeanwhileWaits() throws Exception {
        try (Database database = open(";AUTO_SERVER=TRUE")) {
            churn(database);
            long before = java.nio.file.Files.size(file());
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
            java.util.List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            // as the web pages and the scheduler in serve: queries from other threads all along
            java.util.List<Thread> readers = new java.util.ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread reader = new Thread(() -> {
                    while (!done.get()) {
                        try {
                            int rows = database.withConnection(connection -> {
                                try (Statement statement = connection.createStatement();
                                     java.sql.ResultSet rs = statement.executeQuery("select count(*) from churn")) {
                                    rs.next();
                                    return rs.getInt(1);
                                }
                            });
                            assertThat(rows).isEqualTo(2000);
                            answered.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                });
                reader.start();
                readers.add(reader);
            }
            org.awaitility.Awaitility.await().until(() -> answered.get() > 100);

            database.compactIfWasteful(1 << 20);

            int answeredAfter = answered.get();
            org.awaitility.Awaitility.await().until(() -> answered.get() > answeredAfter + 100);
            done.set(true);
            for (Thread reader : readers) {
                reader.join();
            }
            assertThat(failures).isEmpty();
            assertThat(java.nio.file.Files.size(file())).as("bytes after, %d before", before).isLessThan(before / 2);
            assertThat(writeDelay(database)).as("commits written at once after the file was opened again").isEqualTo("0");
        }
    }

    @Test
    void commitsAreWrittenAtOnce() {
        try (Database database = open()) {
            assertThat(writeDelay(database)).isEqualTo("0");
        }
    }

    @Test
    void aUrlThatDelaysCommitsIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> open(";WRITE_DELAY=500"))
                .isInstanceOf(org.paperboy.config.ConfigException.class)
                .hasMessageContaining("PAPERBOY_DB_URL: WRITE_DELAY cannot be set");
    }
}
