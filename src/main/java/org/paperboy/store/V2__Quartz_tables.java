package org.paperboy.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Creates Quartz's tables from the DDL that Quartz itself ships for the database in use, so
 * the scheduler's schema always matches the Quartz version on the classpath. (Flyway reads the
 * version from the class name.) Its checksum is that of the DDL, so that a Quartz upgrade that
 * changes its tables fails Flyway's validation instead of passing unnoticed.
 */
final class V2__Quartz_tables extends BaseJavaMigration {

    private final Database.Vendor vendor;

    V2__Quartz_tables(Database.Vendor vendor) {
        this.vendor = vendor;
    }

    /** What earlier builds recorded for this migration, whatever the DDL: see {@link #adoptLegacyChecksum}. */
    static final int LEGACY_CHECKSUM = 2;

    @Override
    public Integer getChecksum() {
        try {
            CRC32 crc = new CRC32();
            crc.update(String.join(";\n", statements()).getBytes(StandardCharsets.UTF_8));
            return (int) crc.getValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Earlier builds recorded the constant {@link #LEGACY_CHECKSUM} for this migration; the tables
     * it made came from the same pinned Quartz DDL, so the record is brought to the DDL's checksum
     * before Flyway validates it (a database of an earlier build would otherwise refuse to migrate).
     */
    void adoptLegacyChecksum(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("update \"flyway_schema_history\""
                + " set \"checksum\" = ? where \"version\" = '2' and \"checksum\" = ?")) {
            ps.setInt(1, getChecksum());
            ps.setInt(2, LEGACY_CHECKSUM);
            ps.executeUpdate();
        }
    }

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : statements()) {
                statement.execute(sql);
            }
        }
    }

    List<String> statements() throws IOException {
        String resource = "/org/quartz/impl/jdbcjobstore/"
                + (vendor == Database.Vendor.H2 ? "tables_h2.sql" : "tables_postgres.sql");
        String script;
        try (InputStream in = org.quartz.Scheduler.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("Quartz DDL " + resource + " is not on the classpath");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String sql : withoutComments.toString().split(";")) {
            String trimmed = sql.strip();
            String lower = trimmed.toLowerCase(Locale.ROOT);
            // the shipped scripts start by dropping old tables and end with a commit: neither belongs in a migration
            if (trimmed.isEmpty() || lower.startsWith("drop ") || lower.equals("commit")) {
                continue;
            }
            statements.add(trimmed);
        }
        return statements;
    }
}
