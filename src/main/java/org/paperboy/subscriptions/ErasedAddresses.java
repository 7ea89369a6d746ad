package org.paperboy.subscriptions;

import static org.paperboy.store.SqlValues.setInstant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import org.paperboy.store.Database;

/**
 * Addresses erased on request, kept only as a SHA-256 hash of the normalised, lower-cased
 * address: enough to refuse a silent re-import, not enough to list who was erased. The hash is
 * unkeyed on purpose, so rotating {@code PAPERBOY_SECRET} does not lift the block.
 */
public final class ErasedAddresses {

    private final Database database;

    public ErasedAddresses(Database database) {
        this.database = database;
    }

    /** The hash stored for {@code email}. */
    public static String hash(EmailAddress email) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(email.key().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Whether {@code email} was erased and has not signed up again through double opt-in since. */
    public boolean contains(EmailAddress email) {
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "select 1 from erased_subscribers where email_hash = ?")) {
                ps.setString(1, hash(email));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Lifts the block: the person confirmed a new subscription themselves. */
    public void lift(EmailAddress email) {
        database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("delete from erased_subscribers where email_hash = ?")) {
                ps.setString(1, hash(email));
                return ps.executeUpdate();
            }
        });
    }

    /** Records the hash inside the caller's transaction; recording it twice keeps the first time. */
    static void record(Connection connection, EmailAddress email, Instant at) throws SQLException {
        String hash = hash(email);
        try (PreparedStatement exists = connection.prepareStatement("select 1 from erased_subscribers where email_hash = ?")) {
            exists.setString(1, hash);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into erased_subscribers (email_hash, erased_at) values (?, ?)")) {
            insert.setString(1, hash);
            setInstant(insert, 2, at);
            insert.executeUpdate();
        }
    }
}
