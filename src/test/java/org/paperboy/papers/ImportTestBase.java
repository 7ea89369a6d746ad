package org.paperboy.papers;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.store.Database;

/** A fresh database, a repository on a fixed clock and an importer, for each test. */
abstract class ImportTestBase {

    static final Instant NOW = Instant.parse("2024-01-09T08:00:00Z");

    @TempDir
    Path tempDir;

    Database database;
    PaperRepository repository;
    PaperImporter importer;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open();
        repository = new PaperRepository(database, Clock.fixed(NOW, ZoneOffset.UTC));
        importer = new PaperImporter(repository);
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    static Path fixture(String name) {
        try {
            return Path.of(ImportTestBase.class.getResource("/papers/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    Path write(String name, String content) throws IOException {
        return Files.writeString(tempDir.resolve(name), content);
    }

    /** Every stored paper, in insertion order. */
    List<Paper> stored() {
        return repository.trendingSince(Instant.EPOCH).stream().sorted(Comparator.comparing(Paper::id)).toList();
    }

    Paper stored(String externalId) {
        return stored().stream().filter(p -> p.externalId().equals(externalId)).findFirst()
                .orElseThrow(() -> new AssertionError("no stored paper " + externalId));
    }
}
