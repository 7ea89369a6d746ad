package org.paperboy.papers;

import java.util.UUID;
import org.paperboy.config.Settings;
import org.paperboy.store.Database;

/** A fresh, migrated in-memory H2 database per call, so tests never see each other's papers. */
final class TestDatabase {

    private TestDatabase() {
    }

    static Database open() {
        String name = "papers" + UUID.randomUUID().toString().replace("-", "");
        return Database.open(new Settings.Database("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", ""));
    }
}
