package org.paperboy.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.config.Settings;

/** Opening an H2 file database: migrations, and the shortcut past Flyway when nothing is pending. */
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
            statement.execute("drop table delivery_sent");
            statement.execute("delete from \"flyway_schema_history\" where \"version\" = '" + Database.SCHEMA_VERSION + "'");
        }

        try (Database database = open(); Connection connection = database.connection();
             Statement statement = connection.createStatement()) {
            assertThat(statement.executeQuery("select count(*) from delivery_sent").next()).isTrue();
            assertThat(Database.flyway(database.dataSource(), database.vendor()).info().pending()).isEmpty();
        }
    }
}
