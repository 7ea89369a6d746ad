package org.paperboy.cli;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.paperboy.config.Settings;
import org.paperboy.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Copy the H2 database to a zip file, consistently, also while serve or send run.",
                "Restore: stop Paperboy, unzip the file into the database's directory (see docs/operating.md).",
                "PostgreSQL is backed up with pg_dump instead."})
final class BackupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE.zip", description = "where to write the copy; an existing file is never replaced")
    Path file;

    @Override
    public Integer call() throws Exception {
        Settings.Database settings = Environment.settings().database();
        if (!settings.isH2()) {
            throw new UsageException("backup copies the embedded H2 database; back up PostgreSQL with"
                    + " pg_dump -Fc (see docs/operating.md)");
        }
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            throw new UsageException("the backup is a zip file: give a name ending in .zip, not '" + file + "'");
        }
        long started = System.nanoTime();
        try (Database database = Database.open(settings)) {
            long bytes = database.backupTo(file);
            spec.commandLine().getOut().printf(Locale.ROOT, "Backed up the database to %s (%,d bytes) in %.1f s.%n",
                    file.toAbsolutePath().normalize(), bytes, (System.nanoTime() - started) / 1e9);
            return Main.OK;
        } catch (FileAlreadyExistsException e) {
            throw new UsageException(e.getFile() + " exists already; choose a new name (a backup never replaces a file)");
        }
    }
}
