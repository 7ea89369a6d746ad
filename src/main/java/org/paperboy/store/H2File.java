package org.paperboy.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded H2 database's files: {@code <base>.mv.db}, {@code <base>.lock.db} (which holds the
 * key of H2's automatic server), Paperboy's {@code <base>.password} and {@code <base>.journal}.
 * All are the owner's only, and a database whose configured password is empty gets a generated one.
 */
final class H2File {

    private static final Logger log = LoggerFactory.getLogger(H2File.class);

    private final Path base;

    private H2File(Path base) {
        this.base = base;
    }

    /** The file behind an H2 URL; empty for in-memory databases and servers ({@code mem:}, {@code tcp:}, ...). */
    static Optional<H2File> of(String url) {
        String rest = url.substring("jdbc:h2:".length());
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (!(rest.startsWith("/") || rest.startsWith("./") || rest.startsWith("~/"))) {
            return Optional.empty();
        }
        int options = rest.indexOf(';');
        String file = options < 0 ? rest : rest.substring(0, options);
        if (file.startsWith("~/")) {
            file = System.getProperty("user.home") + file.substring(1); // as H2 reads it
        }
        return Optional.of(new H2File(Path.of(file).toAbsolutePath().normalize()));
    }

    /** {@code <base>.<suffix>}, e.g. {@code sibling("journal")}. */
    Path sibling(String suffix) {
        return base.resolveSibling(base.getFileName() + "." + suffix);
    }

    /** Creates the directory the files live in, as the owner's only, when it does not exist yet. */
    void createDirectory() {
        Path dir = base.getParent();
        try {
            if (!Files.isDirectory(dir)) {
                PrivateFiles.createDirectories(dir);
            } else if (PrivateFiles.openToOthers(dir)) {
                log.warn("event=database_directory_open_to_others dir={} hint=\"chmod 700 it; the files in it are the owner's only\"",
                        dir);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the database directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Makes every file of this database the owner's only: H2 creates its files with the process's umask. */
    void restrictFiles() {
        String prefix = base.getFileName() + ".";
        try (Stream<Path> files = Files.list(base.getParent())) {
            for (Path file : files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                try {
                    PrivateFiles.restrict(file);
                } catch (IOException e) {
                    log.warn("event=database_file_not_restricted file={} reason=\"{}\"", file.getFileName(), e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("event=database_file_not_restricted dir={} reason=\"{}\"", base.getParent(), e.getMessage());
        }
    }

    /**
     * The password to use when none is configured: the one in {@code <base>.password}, or a new
     * random one written there first. A database file from before, made with the empty password,
     * is given the new one ({@code SET PASSWORD}); the new password waits in
     * {@code <base>.password.new} until the database has it, so a stop at any point loses nothing.
     */
    String generatedPassword(String url, String user, Properties h2) {
        Path kept = sibling("password");
        try {
            if (Files.exists(kept)) {
                return read(kept);
            }
            Path pending = sibling("password.new");
            String password = Files.exists(pending) ? read(pending) : write(pending);
            if (Files.exists(sibling("mv.db"))) {
                adopt(url, user, h2, password);
            }
            Files.move(pending, kept, StandardCopyOption.ATOMIC_MOVE);
            return password;
        } catch (IOException e) {
            throw new StoreException("cannot keep the database password in " + kept + ": " + e.getMessage(), e);
        }
    }

    private void adopt(String url, String user, Properties h2, String password) {
        SQLException failure;
        try (Connection connection = DriverManager.getConnection(url, credentials(h2, user, ""));
             Statement statement = connection.createStatement()) {
            statement.execute("SET PASSWORD '" + password + "'"); // hex digits only
            log.info("event=database_password_set file={}", sibling("password"));
            return;
        } catch (SQLException e) {
            failure = e;
        }
        // stopped after the database took the new password, before it was renamed: nothing left to do
        try (Connection connection = DriverManager.getConnection(url, credentials(h2, user, password))) {
            connection.isValid(1);
        } catch (SQLException e) {
            throw new StoreException("cannot open the database with an empty password to give it a generated one: "
                    + failure.getMessage().lines().findFirst().orElse(""), failure);
        }
    }

    private static Properties credentials(Properties h2, String user, String password) {
        Properties properties = new Properties();
        properties.putAll(h2);
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return properties;
    }

    private static String write(Path pending) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        try {
            Files.createFile(pending, PrivateFiles.ownerOnlyFile());
        } catch (FileAlreadyExistsException e) {
            return read(pending); // another process starting on the same file at the same moment
        }
        Files.writeString(pending, password + "\n", StandardCharsets.US_ASCII);
        return password;
    }

    private static String read(Path file) throws IOException {
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (password.isEmpty()) {
            throw new IOException("the file is empty");
        }
        return password;
    }
}
