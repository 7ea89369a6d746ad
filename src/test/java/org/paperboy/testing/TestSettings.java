package org.paperboy.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.paperboy.config.Settings;
import org.paperboy.config.SettingsLoader;

/** Settings for tests: a fresh H2 database, an SMTP port, a secret; anything else overridable. */
public final class TestSettings {

    public static final String SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

    private final Map<String, String> values = new HashMap<>();

    private TestSettings(Path dir) {
        values.put("DB_URL", "jdbc:h2:file:" + dir.resolve("db-" + UUID.randomUUID()).toAbsolutePath());
        values.put("SMTP_HOST", "127.0.0.1");
        values.put("SMTP_SECURITY", "none");
        values.put("SMTP_TIMEOUT_SECONDS", "5");
        values.put("MAIL_FROM", "Paperboy <digest@paperboy.test>");
        values.put("BASE_URL", "https://papers.example.org");
        values.put("SECRET", SECRET);
        values.put("TEMPLATES_DIR", dir.resolve("templates").toString());
        values.put("POSTAL_ADDRESS", "Paperboy Ltd, 1 Test Street, Testville");
        values.put("CLAIM_TIMEOUT", "2s");
        values.put("SEND_SLOWDOWN_PAUSE", "10ms");
    }

    public static TestSettings in(Path dir) {
        return new TestSettings(dir);
    }

    public TestSettings smtpPort(int port) {
        return with("SMTP_PORT", Integer.toString(port));
    }

    public TestSettings with(String key, String value) {
        values.put(key, value);
        return this;
    }

    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    public Settings build() {
        return SettingsLoader.fromMap(values);
    }
}
