package org.paperboy.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.paperboy.config.ConfigException;
import org.paperboy.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static org.paperboy.config.ErrorMessages.firstLine;

/**
 * The application's connection pool, migrated to the current schema on open. Quartz shares
 * it, so the scheduler's tables live in the same database.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    static {
        // H2's automatic server (AUTO_SERVER=TRUE) is for the other processes on this machine, but
        // listens on every interface unless told otherwise; H2 reads this once, when it first starts one
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    private final HikariDataSource dataSource;
    private final Vendor vendor;
    private final String url;
    /** What a connection of this process's own needs besides the URL: user, password and H2's settings. */
    private final Properties connectionProperties;
    /** A rewrite was asked for (after an erasure) and has not happened yet: done at the next chance. */
    private final java.util.concurrent.atomic.AtomicBoolean rewriteOwed = new java.util.concurrent.atomic.AtomicBoolean();
    /** The files of an embedded H2 database; null for in-memory databases and servers. */
    private final H2File file;

    public enum Vendor { H2, POSTGRESQL }

    private Database(HikariDataSource dataSource, Vendor vendor, String url, Properties connectionProperties, H2File file) {
        this.dataSource = dataSource;
        this.vendor = vendor;
        this.url = url;
        this.connectionProperties = connectionProperties;
        this.file = file;
    }

    /** Opens the pool and applies every pending migration. */
    public static Database open(Settings.Database settings) {
        Vendor vendor = vendorOf(settings.url());
        Properties h2 = vendor == Vendor.H2 ? h2Properties(settings.url()) : new Properties();
        H2File file = vendor == Vendor.H2 ? H2File.of(settings.url()).orElse(null) : null;
        String password = settings.password();
        if (file != null) {
            file.createDirectory();
            if (password.isEmpty()) {
                password = file.generatedPassword(settings.url(), settings.user(), h2);
            }
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(password);
        config.setMaximumPoolSize(12);
        config.setMinimumIdle(1);
        config.setPoolName("paperboy-db");
        config.setInitializationFailTimeout(-1);
        h2.forEach((key, value) -> config.addDataSourceProperty((String) key, value));
        config.setAllowPoolSuspension(vendor == Vendor.H2); // see compactIfWasteful
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
                adoptLegacyChecksums(dataSource, vendor);
                flyway(dataSource, vendor).migrate();
            }
        } catch (FlywayException | SQLException e) {
            dataSource.close();
            throw new StoreException("cannot migrate the database: " + firstLine(e.getMessage()), e);
        }
        Properties connectionProperties = new Properties();
        connectionProperties.putAll(h2);
        connectionProperties.setProperty("user", settings.user());
        connectionProperties.setProperty("password", password);
        if (file != null) {
            file.restrictFiles();
        }
        return new Database(dataSource, vendor, settings.url(), connectionProperties, file);
    }

    /**
     * The newest migration in this build (a test keeps it in step with the migration files).
     * A database already at it is not handed to Flyway, whose scan of the migrations and
     * validation took a fifth of a second at the start of every command.
     */
    static final String SCHEMA_VERSION = "40";

    static Flyway flyway(DataSource dataSource, Vendor vendor) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/common")
                .javaMigrations(new V2__Quartz_tables(vendor), new V11__Subscriber_mailbox_key(vendor))
                .load();
    }

    private static void adoptLegacyChecksums(DataSource dataSource, Vendor vendor) throws SQLException {
        if (!migratedTo(dataSource, "2")) {
            return; // a new database: Flyway records the DDL's checksum itself
        }
        try (Connection connection = dataSource.getConnection()) {
            new V2__Quartz_tables(vendor).adoptLegacyChecksum(connection);
        }
    }

    /** Whether the migration {@code version} was applied successfully; false on a new database. */
    private static boolean migratedTo(DataSource dataSource, String version) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(
                     "select count(*) from \"flyway_schema_history\" where \"version\" = ? and \"success\"")) {
            ps.setString(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        } catch (SQLException e) {
            return false; // no history table yet: Flyway creates it
        }
    }

    /**
     * Settings every connection to an H2 database gives, so that they hold each time the file is
     * opened: after a rewrite (see {@link #compactIfWasteful}) and when a process takes the file
     * over from one that stopped (H2's automatic server). {@code WRITE_DELAY=0}: H2 writes commits
     * to its file up to 500 ms late by default, and a hard kill would forget what was committed in
     * that window, such as deliveries marked sent, which would go out again; a URL that sets it is
     * refused. {@code MAX_COMPACT_TIME=0}: H2's own compaction on close is bounded in time, not in
     * effect (every one-shot command paid 0.3 to 0.4 s for it, and the file still grew to 13 times
     * its live data over a week of editions); the file is rewritten whole instead when it is worth it.
     */
    private static Properties h2Properties(String url) {
        String upper = url.toUpperCase(Locale.ROOT);
        if (upper.contains(";WRITE_DELAY")) {
            throw new ConfigException("PAPERBOY_DB_URL", "WRITE_DELAY cannot be set: Paperboy"
                    + " needs every commit written at once, so that a crash forgets no delivery marked sent");
        }
        Properties properties = new Properties();
        properties.setProperty("WRITE_DELAY", "0");
        if (!upper.contains(";TRACE_LEVEL_FILE")) {
            properties.setProperty("TRACE_LEVEL_FILE", "0"); // its trace file would keep failed SQL, addresses in it
        }
        if (!upper.contains(";MAX_COMPACT_TIME")) {
            properties.setProperty("MAX_COMPACT_TIME", "0");
        }
        return properties;
    }

    /**
     * A directory beside the database file for files that belong with it, such as sent journals;
     * empty for in-memory databases and database servers.
     */
    public java.util.Optional<java.nio.file.Path> localDirectory(String name) {
        return java.util.Optional.ofNullable(file).map(f -> f.sibling(name));
    }

    /**
     * Writes a consistent copy of the H2 database to {@code zip} while others go on using it (H2's
     * {@code BACKUP TO}, which copies the file as of one moment). Through H2's automatic server the
     * copy is written by the process that owns the file, so the path is made absolute first. The copy
     * holds personal data: it is readable by its owner only, and it never replaces an existing file.
     *
     * @return the size of the copy in bytes
     */
    public long backupTo(java.nio.file.Path zip) throws SQLException, java.io.IOException {
        if (vendor != Vendor.H2) {
            throw new IllegalStateException("only an H2 database is copied by Paperboy; use pg_dump for PostgreSQL");
        }
        java.nio.file.Path target = zip.toAbsolutePath().normalize();
        if (java.nio.file.Files.exists(target)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString());
        }
        java.nio.file.Path partial = target.resolveSibling(target.getFileName() + ".partial");
        java.nio.file.Files.deleteIfExists(partial);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement backup = connection.prepareStatement("backup to ?")) {
            backup.setString(1, partial.toString());
            backup.execute();
        }
        java.nio.file.Path password = file == null ? null : file.sibling("password");
        if (password != null && java.nio.file.Files.exists(password)) {
            // the copy opens only with the password it was made with: it goes into the zip beside the file
            try (java.nio.file.FileSystem copy = java.nio.file.FileSystems.newFileSystem(partial)) {
                java.nio.file.Files.copy(password, copy.getPath(password.getFileName().toString()));
            }
        }
        PrivateFiles.restrict(partial);
        java.nio.file.Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return java.nio.file.Files.size(target);
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
     * An H2 file at least this large whose chunks hold less than half live data is rewritten:
     * every edition leaves the rows it updated behind as dead pages (20,000 deliveries leave about
     * 35 MB), which H2 does not reclaim while commits are written at once.
     */
    static final long COMPACT_ABOVE_BYTES = 64L << 20;
    private static final int COMPACT_BELOW_LIVE_PERCENT = 50;
    /** The size threshold that means "rewrite whatever the file's size and waste" ({@link #rewriteFile}). */
    private static final long REWRITE_ALWAYS = 0;

    /** Closes the pool, first rewriting an H2 file of {@code compactAboveBytes} or more that is mostly dead pages. */
    void close(long compactAboveBytes) {
        if (vendor == Vendor.H2) {
            Connection connection = null;
            try {
                connection = dataSource.getConnection();
                if (compactIfWasteful(connection, rewriteOwed.get() ? REWRITE_ALWAYS : compactAboveBytes, Integer.MAX_VALUE)) {
                    rewriteOwed.set(false);
                    if (file != null) {
                        file.restrictFiles(); // the rewritten file is new
                    }
                }
            } catch (SQLException | RuntimeException e) {
                log.warn("event=database_compaction_skipped reason=\"{}\"", firstLine(e.getMessage()));
            } finally {
                closeQuietly(connection); // after SHUTDOWN COMPACT the pool's connections are already closed
            }
        }
        dataSource.close();
    }

    /**
     * Rewrites the H2 file now if it is mostly dead pages, for a process that keeps the database
     * open for days ({@code serve}, after each digest). The pool is suspended meanwhile: callers
     * wait (about a second per 150 MB of file) instead of failing, and the connections made
     * afterwards open the rewritten file. Skipped when a connection stays busy for 10 s.
     */
    public void compactIfWasteful() {
        compactIfWasteful(rewriteOwed.get() ? REWRITE_ALWAYS : COMPACT_ABOVE_BYTES);
    }

    /**
     * Rewrites the H2 file now, whatever its size, so that rows deleted or overwritten (an erased
     * person's address) are no longer readable in the file's old pages. Holds the pool as
     * {@link #compactIfWasteful()} does. When the file cannot be rewritten now (another process
     * is connected, a connection stays busy) it is rewritten at the next compaction check or at
     * close. Nothing to do for PostgreSQL, whose storage the operator's server manages.
     */
    public void rewriteFile() {
        if (vendor == Vendor.H2) {
            rewriteOwed.set(true);
            compactIfWasteful(REWRITE_ALWAYS);
        }
    }

    void compactIfWasteful(long compactAboveBytes) {
        if (vendor != Vendor.H2) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            if (waste(connection, compactAboveBytes, Integer.MAX_VALUE) == null) {
                return; // the usual case, answered without holding anyone up
            }
        } catch (SQLException e) {
            log.warn("event=database_compaction_skipped reason=\"{}\"", firstLine(e.getMessage()));
            return;
        }
        HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
        pool.suspendPool();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pool.getActiveConnections() > 0) {
                if (System.nanoTime() > deadline) {
                    log.info("event=database_compaction_skipped reason=\"connections stayed busy\"");
                    return;
                }
                Thread.sleep(10);
            }
            // the pool hands out nothing now: a connection of our own, to the database its idle ones hold open
            Connection connection = null;
            try {
                connection = DriverManager.getConnection(url, connectionProperties);
                // the pool's own connections, all idle, and this one: any other would be cut off
                if (compactIfWasteful(connection, compactAboveBytes, pool.getTotalConnections() + 1)) {
                    pool.softEvictConnections(); // closed with the database; never handed out again
                    if (compactAboveBytes == REWRITE_ALWAYS) {
                        rewriteOwed.set(false);
                    }
                    if (file != null) {
                        file.restrictFiles(); // the rewritten file is new
                    }
                }
            } finally {
                closeQuietly(connection);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("event=database_compaction_skipped reason=\"{}\"", firstLine(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.resumePool();
        }
    }

    /** How much of the file is dead, when it is worth a rewrite; null when it is not, or not ours to rewrite. */
    private record Waste(long fileBytes, int livePercent) {
    }

    /**
     * Whether the file behind {@code connection} is worth rewriting: this process has it open
     * (not another one, through H2's automatic server), it is {@code compactAboveBytes} or more,
     * less than half live, no other process is connected to it and this one has at most
     * {@code localSessions} connections open on it: a rewrite cuts every other connection off.
     */
    private static Waste waste(Connection connection, long compactAboveBytes, int localSessions) throws SQLException {
        long fileBytes = 0;
        int livePercent = 100;
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("select setting_name, setting_value"
                    + " from information_schema.settings where setting_name in ('info.FILE_SIZE', 'info.CHUNKS_FILL_RATE')")) {
                while (rs.next()) {
                    if ("info.FILE_SIZE".equals(rs.getString(1))) {
                        fileBytes = Long.parseLong(rs.getString(2));
                    } else {
                        livePercent = Integer.parseInt(rs.getString(2));
                    }
                }
            }
            boolean asked = compactAboveBytes == REWRITE_ALWAYS;
            if (!asked && (fileBytes < compactAboveBytes || livePercent >= COMPACT_BELOW_LIVE_PERCENT)) {
                return null;
            }
            // sessions of other processes come through the automatic server and have a client address; so
            // does this connection's own session when the file belongs to another process (H2's public view
            // of that instead of its internal session classes)
            try (ResultSet rs = statement.executeQuery(
                    "select count(*), count(client_addr) from information_schema.sessions")) {
                rs.next();
                boolean others = rs.getInt(2) > 0 || rs.getInt(1) > localSessions;
                return others ? null : new Waste(fileBytes, livePercent);
            }
        }
    }

    /**
     * {@code SHUTDOWN COMPACT} when {@link #waste} says so: H2 copies the live data to a new file
     * (157 MB with 12 % live took 1.2 s, leaving 7 MB) and closes the database. Returns whether it did.
     */
    private static boolean compactIfWasteful(Connection connection, long compactAboveBytes, int localSessions)
            throws SQLException {
        Waste waste = waste(connection, compactAboveBytes, localSessions);
        if (waste == null) {
            return false;
        }
        long start = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN COMPACT");
        }
        log.info("event=database_compacted file_bytes_before={} live_percent={} millis={}", waste.fileBytes(),
                waste.livePercent(), (System.nanoTime() - start) / 1_000_000);
        return true;
    }

    /** Closes a connection that SHUTDOWN COMPACT may have closed with its database already. */
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
        throw new ConfigException("PAPERBOY_DB_URL", url,
                "a jdbc:h2: or jdbc:postgresql: URL");
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

}
