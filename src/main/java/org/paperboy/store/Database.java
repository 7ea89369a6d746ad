package org.paperboy.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.paperboy.config.Settings;

/**
 * The application's connection pool, migrated to the current schema on open. Quartz shares
 * it, so the scheduler's tables live in the same database.
 */
public final class Database implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final Vendor vendor;
    private final String url;

    public enum Vendor { H2, POSTGRESQL }

    private Database(HikariDataSource dataSource, Vendor vendor, String url) {
        this.dataSource = dataSource;
        this.vendor = vendor;
        this.url = url;
    }

    /** Opens the pool and applies every pending migration. */
    public static Database open(Settings.Database settings) {
        Vendor vendor = vendorOf(settings.url());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(12);
        config.setMinimumIdle(1);
        config.setPoolName("paperboy-db");
        config.setInitializationFailTimeout(-1);
        if (vendor == Vendor.H2 && !settings.url().toUpperCase(java.util.Locale.ROOT).contains("MAX_COMPACT_TIME")) {
            // H2's own compaction on close is bounded in time, not in effect: every one-shot command
            // paid 0.3 to 0.4 s for it, and the file still grew to 13 times its live data over a
            // week of editions. The file is rewritten whole instead when it is worth it (see close).
            config.addDataSourceProperty("MAX_COMPACT_TIME", "0");
        }
        HikariDataSource dataSource = new HikariDataSource(config);
        try (Connection probe = dataSource.getConnection()) {
            probe.isValid(5);
        } catch (SQLException e) {
            dataSource.close();
            throw new StoreException("cannot open the database at " + redact(settings.url()) + ": "
                    + firstLine(e.getMessage()), e);
        }
        try {
            if (!migratedTo(dataSource, SCHEMA_VERSION)) {
                flyway(dataSource, vendor).migrate();
            }
        } catch (FlywayException e) {
            dataSource.close();
            throw new StoreException("cannot migrate the database: " + firstLine(e.getMessage()), e);
        }
        if (vendor == Vendor.H2) {
            durableCommits(dataSource);
        }
        return new Database(dataSource, vendor, settings.url());
    }

    /**
     * The newest migration in this build (a test keeps it in step with the migration files).
     * A database already at it is not handed to Flyway, whose scan of the migrations and
     * validation took a fifth of a second at the start of every command.
     */
    static final String SCHEMA_VERSION = "5";

    static Flyway flyway(DataSource dataSource, Vendor vendor) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/common")
                .javaMigrations(new V2__Quartz_tables(vendor))
                .load();
    }

    /** Whether the migration {@code version} was applied successfully; false on a new database. */
    private static boolean migratedTo(DataSource dataSource, String version) {
        try (Connection connection = dataSource.getConnection();
             java.sql.PreparedStatement ps = connection.prepareStatement(
                     "select count(*) from \"flyway_schema_history\" where \"version\" = ? and \"success\"")) {
            ps.setString(1, version);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        } catch (SQLException e) {
            return false; // no history table yet: Flyway creates it
        }
    }

    /**
     * H2 writes commits to its file up to 500 ms late by default: a hard kill would forget what
     * was committed in that window, such as deliveries marked sent, and they would go out again.
     * The setting is database-wide and lasts while the database is open.
     */
    private static void durableCommits(HikariDataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
             java.sql.Statement statement = connection.createStatement()) {
            statement.execute("SET WRITE_DELAY 0");
        } catch (SQLException e) {
            dataSource.close();
            throw new StoreException("cannot make H2 write commits at once: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * A directory beside the database file for files that belong with it, such as sent journals;
     * empty for in-memory databases and database servers.
     */
    public java.util.Optional<java.nio.file.Path> localDirectory(String name) {
        if (vendor != Vendor.H2) {
            return java.util.Optional.empty();
        }
        String rest = url.substring("jdbc:h2:".length());
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (!(rest.startsWith("/") || rest.startsWith("./"))) {
            return java.util.Optional.empty(); // mem:, tcp:, ssl: and the like
        }
        int options = rest.indexOf(';');
        String file = options < 0 ? rest : rest.substring(0, options);
        return java.util.Optional.of(java.nio.file.Path.of(file + "." + name).toAbsolutePath());
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Vendor vendor() {
        return vendor;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** Runs {@code work} in one transaction, committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(firstLine(e.getMessage()), e);
        }
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode. */
    public <T> T withConnection(SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException(firstLine(e.getMessage()), e);
        }
    }

    public boolean isReachable() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        close(COMPACT_ABOVE_BYTES);
    }

    /**
     * An H2 file at least this large whose chunks hold less than half live data is rewritten
     * when it is closed: every edition leaves the rows it updated behind as dead pages (20,000
     * deliveries leave about 35 MB), which H2 does not reclaim while commits are written at once.
     */
    static final long COMPACT_ABOVE_BYTES = 64L << 20;
    private static final int COMPACT_BELOW_LIVE_PERCENT = 50;

    /** Closes the pool, first rewriting an H2 file of {@code compactAboveBytes} or more that is mostly dead pages. */
    void close(long compactAboveBytes) {
        if (vendor == Vendor.H2) {
            compactIfWasteful(compactAboveBytes);
        }
        dataSource.close();
    }

    /**
     * {@code SHUTDOWN COMPACT}: H2 copies the live data to a new file (157 MB with 12 % live took
     * 1.2 s, leaving 7 MB). Only by the process that has the file open, and only when no other
     * process is connected to it through the automatic server, whose connections it would cut.
     */
    private void compactIfWasteful(long compactAboveBytes) {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            if (!(connection.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal)) {
                return; // connected to another process's database
            }
            long fileSize = 0;
            int livePercent = 100;
            int sessions;
            try (java.sql.Statement statement = connection.createStatement()) {
                try (java.sql.ResultSet rs = statement.executeQuery("select setting_name, setting_value"
                        + " from information_schema.settings where setting_name in ('info.FILE_SIZE', 'info.CHUNKS_FILL_RATE')")) {
                    while (rs.next()) {
                        if ("info.FILE_SIZE".equals(rs.getString(1))) {
                            fileSize = Long.parseLong(rs.getString(2));
                        } else {
                            livePercent = Integer.parseInt(rs.getString(2));
                        }
                    }
                }
                try (java.sql.ResultSet rs = statement.executeQuery("select count(*) from information_schema.sessions")) {
                    rs.next();
                    sessions = rs.getInt(1);
                }
                if (fileSize < compactAboveBytes || livePercent >= COMPACT_BELOW_LIVE_PERCENT
                        || sessions > dataSource.getHikariPoolMXBean().getTotalConnections()) {
                    return;
                }
                long start = System.nanoTime();
                statement.execute("SHUTDOWN COMPACT");
                log.info("event=database_compacted file_bytes_before={} live_percent={} millis={}", fileSize,
                        livePercent, (System.nanoTime() - start) / 1_000_000);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("event=database_compaction_skipped reason=\"{}\"", firstLine(e.getMessage()));
        } finally {
            closeQuietly(connection); // after SHUTDOWN COMPACT the pool's connections are already closed
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closed with the database
            }
        }
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    static Vendor vendorOf(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return Vendor.H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return Vendor.POSTGRESQL;
        }
        throw new org.paperboy.config.ConfigException("PAPERBOY_DB_URL", url,
                "a jdbc:h2: or jdbc:postgresql: URL");
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
