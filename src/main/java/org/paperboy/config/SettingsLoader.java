package org.paperboy.config;

import static org.paperboy.config.ErrorMessages.firstLine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads settings with the precedence environment variable &gt; {@code .env} in the working
 * directory &gt; {@code config/paperboy.yml} &gt; built-in default. Unknown keys and malformed
 * values throw {@link ConfigException}.
 */
public final class SettingsLoader {

    private final Map<SettingKey, String> raw = new EnumMap<>(SettingKey.class);
    /** Reads {@link #raw} as it stands when {@link #build} asks. */
    private final SettingValues values = new SettingValues(raw);

    private SettingsLoader() {
    }

    /** Loads from the process environment and the files in {@code workDir}. */
    public static Settings load(Map<String, String> environment, Path workDir) {
        return load(environment, workDir, Map.of());
    }

    /** As {@link #load(Map, Path)}, then {@code overrides} (keyed by {@link SettingKey}) win over everything. */
    public static Settings load(Map<String, String> environment, Path workDir, Map<SettingKey, String> overrides) {
        SettingsLoader loader = new SettingsLoader();
        loader.readYaml(workDir.resolve("config").resolve("paperboy.yml"));
        loader.readDotEnv(workDir.resolve(".env"));
        loader.readEnvironment(environment);
        loader.raw.putAll(overrides);
        return loader.build();
    }

    /** Built-in defaults overridden by {@code overrides} (keys without the prefix allowed). */
    public static Settings fromMap(Map<String, String> overrides) {
        SettingsLoader loader = new SettingsLoader();
        overrides.forEach((name, value) -> {
            String envName = name.startsWith(SettingKey.PREFIX) ? name : SettingKey.PREFIX + name;
            SettingKey key = SettingKey.byEnvName(envName)
                    .orElseThrow(() -> new ConfigException(envName, "unknown setting"));
            loader.raw.put(key, value);
        });
        return loader.build();
    }

    private void readYaml(Path file) {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot be read as YAML: " + firstLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(file.toString(), "must be a mapping of setting: value");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            SettingKey key = SettingKey.byYamlName(field.getKey()).orElseThrow(() -> new ConfigException(
                    file.getFileName() + ": " + field.getKey(), "unknown setting (see .env.example for the list)"));
            JsonNode value = field.getValue();
            if (value.isContainerNode()) {
                throw new ConfigException(key.envName(), value.toString(), "a single value, not a list or mapping");
            }
            raw.put(key, value.isNull() ? "" : value.asText());
        }
    }

    private void readDotEnv(Path file) {
        if (!Files.exists(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot be read: " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(".env:" + (i + 1), "expected KEY=value, found '" + line + "'");
            }
            String name = line.substring(0, eq).strip();
            SettingKey key = SettingKey.byEnvName(name).orElseThrow(() -> new ConfigException(
                    name, "unknown setting in .env (see .env.example for the list)"));
            raw.put(key, unquote(line.substring(eq + 1).strip()));
        }
    }

    private void readEnvironment(Map<String, String> environment) {
        for (Map.Entry<String, String> entry : environment.entrySet()) {
            if (!entry.getKey().startsWith(SettingKey.PREFIX)) {
                continue;
            }
            SettingKey key = SettingKey.byEnvName(entry.getKey()).orElseThrow(() -> new ConfigException(
                    entry.getKey(), "unknown setting in the environment (see .env.example for the list)"));
            raw.put(key, entry.getValue());
        }
    }

    private Settings build() {
        launcherSwitch(SettingKey.CDS); // the launcher's alone, but a typo is still an error
        return new Settings(
                new Settings.Database(values.required(SettingKey.DB_URL, "jdbc:"), values.text(SettingKey.DB_USER),
                        values.text(SettingKey.DB_PASSWORD)),
                new Settings.Smtp(values.required(SettingKey.SMTP_HOST, ""),
                        values.integer(SettingKey.SMTP_PORT, 1, 65535),
                        values.text(SettingKey.SMTP_USERNAME), values.text(SettingKey.SMTP_PASSWORD),
                        values.security(SettingKey.SMTP_SECURITY),
                        Duration.ofSeconds(values.integer(SettingKey.SMTP_TIMEOUT_SECONDS, 1, 600)), trustFile()),
                new Settings.Mail(address(SettingKey.MAIL_FROM, false), address(SettingKey.MAIL_REPLY_TO, true),
                        bounceAddress(), values.headerSafe(SettingKey.LIST_NAME),
                        values.text(SettingKey.POSTAL_ADDRESS)),
                new Settings.Web(values.httpUrl(SettingKey.BASE_URL), values.integer(SettingKey.WEB_PORT, 1, 65535),
                        values.text(SettingKey.SECRET), adminToken(), webHost(), trustedProxies()),
                new Settings.Digest(values.required(SettingKey.DIGEST_CRON, ""),
                        values.required(SettingKey.INGEST_CRON, ""), values.zone(SettingKey.TIMEZONE),
                        values.integer(SettingKey.DIGEST_SIZE, 1, Settings.Digest.MAX_SIZE),
                        Path.of(values.required(SettingKey.TEMPLATES_DIR, "")),
                        values.required(SettingKey.RETRY_CRON, ""),
                        values.timeOfDay(SettingKey.DELIVERY_TIME)),
                new Settings.Sources(sources(), values.httpUrl(SettingKey.HF_API_URL),
                        values.httpUrl(SettingKey.ARXIV_API_URL), values.required(SettingKey.ARXIV_QUERY, ""),
                        values.integer(SettingKey.ARXIV_MAX_RESULTS, 1, 2000),
                        Duration.ofSeconds(values.integer(SettingKey.FETCH_TIMEOUT_SECONDS, 1, 600)),
                        values.integer(SettingKey.FETCH_RETRIES, 1, 10)),
                new Settings.Ranking(values.decimal(SettingKey.RANK_GRAVITY, 0, 5),
                        values.integer(SettingKey.RANK_WINDOW_DAYS, 1, 365),
                        values.decimal(SettingKey.RANK_WEIGHT_UPVOTES, 0, 1_000_000),
                        values.decimal(SettingKey.RANK_WEIGHT_STARS, 0, 1_000_000),
                        values.decimal(SettingKey.RANK_WEIGHT_SOURCE_RANK, 0, 1_000_000)),
                new Settings.Choosing(values.decimal(SettingKey.TOPIC_WEIGHT, 0, 1),
                        values.decimal(SettingKey.TRENDING_WEIGHT, 0, 1),
                        repeatAfterDays(), values.integer(SettingKey.MIN_PAPERS, 1, Settings.Digest.MAX_SIZE)),
                new Settings.Sending(values.integer(SettingKey.SEND_CONNECTIONS, 1, 32),
                        values.decimal(SettingKey.SEND_RATE, 0, 1_000_000),
                        values.integer(SettingKey.SEND_MESSAGES_PER_CONNECTION, 1, 100_000),
                        values.duration(SettingKey.SEND_SLOWDOWN_PAUSE), values.durations(SettingKey.RETRY_BACKOFF),
                        values.duration(SettingKey.RETRY_CUTOFF), values.duration(SettingKey.CLAIM_TIMEOUT)),
                new Settings.Brand(accentColor(), optionalHttpUrl(SettingKey.LOGO_URL), values.text(SettingKey.INTRO),
                        subject()),
                new Settings.Bounces(values.text(SettingKey.BOUNCE_MAILBOX_HOST), mailboxProtocol(),
                        values.integer(SettingKey.BOUNCE_MAILBOX_PORT, 1, 65535),
                        values.security(SettingKey.BOUNCE_MAILBOX_SECURITY),
                        values.text(SettingKey.BOUNCE_MAILBOX_USERNAME), values.text(SettingKey.BOUNCE_MAILBOX_PASSWORD),
                        values.required(SettingKey.BOUNCE_MAILBOX_FOLDER, ""),
                        values.required(SettingKey.BOUNCE_POLL_CRON, ""),
                        values.integer(SettingKey.SOFT_BOUNCE_LIMIT, 1, 100)),
                dkim(),
                logLevel());
    }

    private int repeatAfterDays() {
        String value = values.text(SettingKey.REPEAT_AFTER_DAYS);
        if ("never".equalsIgnoreCase(value)) {
            return Settings.Choosing.NEVER;
        }
        if (value.matches("[0-9]{1,4}") && Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= 3650) {
            return Integer.parseInt(value);
        }
        throw new ConfigException(SettingKey.REPEAT_AFTER_DAYS.envName(), values.value(SettingKey.REPEAT_AFTER_DAYS),
                "never, or a whole number of days from 1 to 3650");
    }

    private String address(SettingKey key, boolean optional) {
        String value = values.text(key);
        if (value.isEmpty() && optional) {
            return "";
        }
        if (mailbox(value) == null) {
            throw new ConfigException(key.envName(), values.value(key), "one email address such as 'Name <news@example.org>'"
                    + " (quote a name with a comma: '\"Doe, Jane\" <jane@example.org>')");
        }
        return value;
    }

    private String bounceAddress() {
        SettingKey key = SettingKey.BOUNCE_ADDRESS;
        String value = values.text(key);
        if (value.isEmpty()) {
            return "";
        }
        InternetAddress bare = mailbox(value.replace("TOKEN", "x"));
        if (bare == null || bare.getPersonal() != null || value.contains("<")) {
            throw new ConfigException(key.envName(), values.value(key), "a bare address such as bounces+TOKEN@example.org");
        }
        return value;
    }

    /** The one address in {@code value}, read as strictly as the message builder reads it when sending; null if none. */
    private static InternetAddress mailbox(String value) {
        try {
            InternetAddress address = new InternetAddress(value, true);
            address.validate();
            return address;
        } catch (AddressException e) {
            return null;
        }
    }

    private String adminToken() {
        SettingKey key = SettingKey.ADMIN_TOKEN;
        String value = values.text(key);
        if (!value.isEmpty() && value.length() < Settings.Web.MIN_ADMIN_TOKEN_CHARS) {
            throw new ConfigException(key.envName(), "(" + value.length() + " characters)", "at least "
                    + Settings.Web.MIN_ADMIN_TOKEN_CHARS + " characters, e.g. the output of: openssl rand -hex 32"
                    + " (empty disables the admin API)");
        }
        return value;
    }

    private String webHost() {
        SettingKey key = SettingKey.WEB_HOST;
        String value = values.text(key);
        if (!value.isEmpty() && IpRange.literal(value).isEmpty()) {
            throw new ConfigException(key.envName(), values.value(key),
                    "an IP address such as 0.0.0.0 or 127.0.0.1, or empty");
        }
        return value;
    }

    private List<IpRange> trustedProxies() {
        SettingKey key = SettingKey.TRUSTED_PROXIES;
        List<IpRange> ranges = new ArrayList<>();
        for (String part : values.text(key).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                ranges.add(IpRange.parse(part.strip()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key.envName(), values.value(key),
                        "comma-separated IP addresses or CIDR ranges such as 127.0.0.1, 10.0.0.0/8 or fd00::/8");
            }
        }
        return List.copyOf(ranges);
    }

    private String mailboxProtocol() {
        SettingKey key = SettingKey.BOUNCE_MAILBOX_PROTOCOL;
        String value = values.text(key).toLowerCase(Locale.ROOT);
        if (!value.equals("imap") && !value.equals("pop3")) {
            throw new ConfigException(key.envName(), values.value(key), "imap or pop3");
        }
        return value;
    }

    private String accentColor() {
        SettingKey key = SettingKey.ACCENT_COLOR;
        String value = values.text(key);
        if (!value.matches("#[0-9A-Fa-f]{3}|#[0-9A-Fa-f]{6}")) {
            throw new ConfigException(key.envName(), values.value(key), "a colour such as #b4541a or #c50");
        }
        return value;
    }

    private String optionalHttpUrl(SettingKey key) {
        return values.text(key).isEmpty() ? "" : values.httpUrl(key).toString();
    }

    private String subject() {
        SettingKey key = SettingKey.SUBJECT;
        String value = values.required(key, "");
        String rest = value;
        for (String placeholder : Settings.Brand.SUBJECT_PLACEHOLDERS) {
            rest = rest.replace(placeholder, "");
        }
        if (rest.contains("{") || rest.contains("}")) {
            throw new ConfigException(key.envName(), values.value(key), "text with the placeholders "
                    + String.join(", ", Settings.Brand.SUBJECT_PLACEHOLDERS));
        }
        return value;
    }

    private String trustFile() {
        SettingKey key = SettingKey.SMTP_TRUST;
        String value = values.text(key);
        if (!value.isEmpty() && !Files.isReadable(Path.of(value))) {
            throw new ConfigException(key.envName(), values.value(key), "a readable PEM or PKCS#12 file of CA certificates");
        }
        return value;
    }

    private static final Pattern DNS_NAME = Pattern.compile("(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
            + "(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    /** DKIM: all three settings or none; one selector per key file, at most two (RSA, then Ed25519). */
    private Settings.Dkim dkim() {
        String domain = values.text(SettingKey.DKIM_DOMAIN).toLowerCase(Locale.ROOT);
        List<String> selectors = values.list(SettingKey.DKIM_SELECTOR);
        List<String> keys = values.list(SettingKey.DKIM_PRIVATE_KEY);
        if (domain.isEmpty()) {
            if (!selectors.isEmpty() || !keys.isEmpty()) {
                throw new ConfigException(SettingKey.DKIM_DOMAIN.envName(), null,
                        "the signing domain, since PAPERBOY_DKIM_SELECTOR or PAPERBOY_DKIM_PRIVATE_KEY is set");
            }
            return new Settings.Dkim("", List.of(), List.of());
        }
        if (!DNS_NAME.matcher(domain).matches() || !domain.contains(".")) {
            throw new ConfigException(SettingKey.DKIM_DOMAIN.envName(), values.value(SettingKey.DKIM_DOMAIN),
                    "a domain name such as example.org");
        }
        if (selectors.isEmpty() || selectors.size() > 2 || !selectors.stream().allMatch(s -> DNS_NAME.matcher(s).matches())) {
            throw new ConfigException(SettingKey.DKIM_SELECTOR.envName(), values.value(SettingKey.DKIM_SELECTOR),
                    "one selector, or two comma-separated (RSA, then Ed25519), of letters, digits, '-' and '.'");
        }
        if (keys.size() != selectors.size()) {
            throw new ConfigException(SettingKey.DKIM_PRIVATE_KEY.envName(), values.value(SettingKey.DKIM_PRIVATE_KEY),
                    "one PEM key file per selector in PAPERBOY_DKIM_SELECTOR (" + selectors.size() + ")");
        }
        List<Path> files = new ArrayList<>();
        for (String key : keys) {
            if (!Files.isReadable(Path.of(key))) {
                throw new ConfigException(SettingKey.DKIM_PRIVATE_KEY.envName(), values.value(SettingKey.DKIM_PRIVATE_KEY),
                        "readable PEM files; make one with: paperboy dkim keygen --selector S");
            }
            files.add(Path.of(key));
        }
        return new Settings.Dkim(domain, selectors, files);
    }

    private void launcherSwitch(SettingKey key) {
        String value = values.text(key);
        if (!value.equals("on") && !value.equals("off")) {
            throw new ConfigException(key.envName(), values.value(key), "on or off");
        }
    }

    private String logLevel() {
        SettingKey key = SettingKey.LOG_LEVEL;
        String value = values.text(key).toLowerCase(Locale.ROOT);
        if (!Settings.LOG_LEVELS.contains(value)) {
            throw new ConfigException(key.envName(), values.value(key), "one of " + String.join(", ", Settings.LOG_LEVELS));
        }
        return value;
    }

    private List<String> sources() {
        SettingKey key = SettingKey.SOURCES;
        List<String> enabled = new ArrayList<>();
        for (String part : values.text(key).split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!Settings.Sources.KNOWN.contains(name)) {
                throw new ConfigException(key.envName(), values.value(key),
                        "a comma-separated list of " + Settings.Sources.KNOWN);
            }
            if (!enabled.contains(name)) {
                enabled.add(name);
            }
        }
        return List.copyOf(enabled);
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
