package org.paperboy.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every setting Paperboy reads, with its built-in default and a one-line description. The
 * same list documents {@code .env.example} (a test keeps the two in step).
 */
public enum SettingKey {
    DB_URL("jdbc:h2:file:./data/paperboy;AUTO_SERVER=TRUE", "JDBC URL: embedded H2 file by default, or jdbc:postgresql://host:5432/db"),
    DB_USER("sa", "database user"),
    DB_PASSWORD("", "database password; empty on an H2 file: a generated one kept beside it in <file>.password (owner only)"),
    SMTP_HOST("localhost", "SMTP server host name"),
    SMTP_PORT("587", "SMTP server port (1-65535)"),
    SMTP_USERNAME("", "SMTP user name; empty means no authentication"),
    SMTP_PASSWORD("", "SMTP password"),
    SMTP_SECURITY("starttls", "starttls | tls | none"),
    SMTP_TIMEOUT_SECONDS("30", "connect, read and write timeout for SMTP in seconds (1-600)"),
    SMTP_TRUST("", "PEM file of CA certificates (or a PKCS#12 trust store) trusted for the SMTP server and the bounce mailbox, in addition to the JVM's own; empty for none"),
    DKIM_DOMAIN("", "domain that signs every message with DKIM (d=), usually the domain of MAIL_FROM; empty turns signing off"),
    DKIM_SELECTOR("", "DKIM selector (s=); for a second Ed25519 signature two, comma-separated, e.g. paperboy,paperboy-ed"),
    DKIM_PRIVATE_KEY("", "PEM file of the DKIM private key (RSA, 2048 bits or more, PKCS#8 or PKCS#1); a second, comma-separated, Ed25519 key signs a second time"),
    MAIL_FROM("Paperboy <digest@example.org>", "From address of every message"),
    MAIL_REPLY_TO("", "optional Reply-To address"),
    BASE_URL("http://localhost:8080", "public URL of the web pages, used in every link"),
    WEB_PORT("8080", "port the web server listens on (1-65535)"),
    WEB_HOST("", "IP address the web server listens on; empty: 0.0.0.0 for serve, 127.0.0.1 for demo --serve"),
    TRUSTED_PROXIES("", "comma-separated IPs or CIDR ranges of reverse proxies whose X-Forwarded-For is believed; empty: none"),
    SECRET("", "HMAC key for signed links, at least 32 bytes; required by send and serve"),
    ADMIN_TOKEN("", "bearer token for the admin API, at least 32 characters (openssl rand -hex 32); empty disables the API"),
    DIGEST_CRON("0 0 7 * * ?", "Quartz cron expression for the daily digest"),
    INGEST_CRON("0 30 6 * * ?", "Quartz cron expression for fetching papers from the sources"),
    RETRY_CRON("0 * * * * ?", "Quartz cron expression of the retry job, on every node: deferred deliveries, claims of stopped senders, joining an edition being sent"),
    TIMEZONE("UTC", "time zone of the cron expressions, and of readers who chose none"),
    DELIVERY_TIME("07:00", "local time, HH:MM, at which each reader's digest goes out in their own time zone"),
    DIGEST_SIZE("10", "papers per digest (1-25)"),
    TEMPLATES_DIR("./templates", "directory of operator templates; missing files fall back to the built-in ones"),
    POSTAL_ADDRESS("Paperboy, 1 Example Street, 00000 Example City", "postal address shown in every email footer"),
    LIST_NAME("Paperboy daily papers", "name of the newsletter, shown in the List-Id header and the pages"),
    ACCENT_COLOR("#b4541a", "accent colour of the digest and pages, #rgb or #rrggbb"),
    LOGO_URL("", "absolute URL of a logo shown above the digest; empty for none"),
    INTRO("", "a short paragraph under the digest's title; empty for none"),
    SUBJECT("{name} · {date}: {title}", "subject line; placeholders {name}, {date}, {title} (the top paper), {count}"),
    SOURCES("huggingface", "comma-separated sources for fetch: huggingface, arxiv (empty for none)"),
    HF_API_URL("https://huggingface.co/api/daily_papers", "Hugging Face daily papers API"),
    ARXIV_API_URL("https://export.arxiv.org/api/query", "arXiv API query endpoint"),
    ARXIV_QUERY("cat:cs.LG OR cat:cs.CL OR cat:cs.AI OR cat:cs.CV", "arXiv search_query used by fetch"),
    ARXIV_MAX_RESULTS("100", "papers requested from arXiv per fetch (1-2000)"),
    FETCH_TIMEOUT_SECONDS("30", "HTTP timeout per request for fetch (1-600)"),
    FETCH_RETRIES("3", "attempts per HTTP request before fetch gives up (1-10)"),
    SEND_CONNECTIONS("4", "SMTP connections used in parallel by a send (1-32)"),
    SEND_RATE("0", "maximum messages per second over all connections; 0 means no cap"),
    SEND_MESSAGES_PER_CONNECTION("100", "messages sent on one SMTP connection before it is reopened (1-100000)"),
    SEND_SLOWDOWN_PAUSE("1s", "pause after a 421/451/452 reply, doubled on each one in a row up to 60s"),
    RETRY_BACKOFF("5m,15m,1h,3h", "waits before retrying a deferred delivery, one per attempt; the last repeats"),
    RETRY_CUTOFF("18h", "a delivery still deferred this long after the edition started is marked failed"),
    CLAIM_TIMEOUT("30s", "deliveries claimed by a sender that stopped sending heartbeats are taken over after this"),
    BOUNCE_ADDRESS("", "envelope sender with VERP, e.g. bounces+TOKEN@example.org; empty uses MAIL_FROM"),
    BOUNCE_MAILBOX_HOST("", "IMAP or POP3 host of the bounce mailbox; empty turns the bounce poller off"),
    BOUNCE_MAILBOX_PROTOCOL("imap", "imap | pop3 (POP3 cannot flag messages, so skipped ones are read again each poll)"),
    BOUNCE_MAILBOX_PORT("993", "bounce mailbox port (1-65535)"),
    BOUNCE_MAILBOX_SECURITY("tls", "tls | starttls | none"),
    BOUNCE_MAILBOX_USERNAME("", "bounce mailbox user name"),
    BOUNCE_MAILBOX_PASSWORD("", "bounce mailbox password"),
    BOUNCE_MAILBOX_FOLDER("INBOX", "folder of the bounce mailbox to read"),
    BOUNCE_POLL_CRON("0 */10 * * * ?", "Quartz cron expression for reading the bounce mailbox"),
    SOFT_BOUNCE_LIMIT("3", "soft-bounced deliveries in a row before a subscriber is suppressed (1-100)"),
    RANK_GRAVITY("1.5", "how fast a paper's score decays with age (0-5)"),
    RANK_WINDOW_DAYS("7", "only papers featured within this many days are ranked (1-365)"),
    RANK_WEIGHT_UPVOTES("1.0", "points per upvote"),
    RANK_WEIGHT_STARS("2.0", "points per natural log of (1 + GitHub stars)"),
    RANK_WEIGHT_SOURCE_RANK("50.0", "points for first place on the source's page, divided by the rank"),
    TOPIC_WEIGHT("0.7", "weight of topic relevance in a reader's order of matching papers (0-1); see docs/papers-and-digest.md"),
    TRENDING_WEIGHT("0.3", "weight of the trending score in a reader's order of matching papers (0-1)"),
    REPEAT_AFTER_DAYS("never", "a paper a reader already received may come again after this many days (1-3650), or never"),
    MIN_PAPERS("3", "fewer new papers than this for a reader and no message is sent to them that day (1-25)"),
    LOG_LEVEL("info", "log level of Paperboy's own log lines on stderr: error, warn, info, debug (read at start-up)"),
    JAVA_OPTS("", "extra JVM options for the ./paperboy launcher (read by the launcher only)"),
    CDS("on", "class data sharing for one-shot commands, on or off (read by the ./paperboy launcher only)");

    public static final String PREFIX = "PAPERBOY_";

    private final String defaultValue;
    private final String description;

    SettingKey(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The environment variable name, e.g. {@code PAPERBOY_SMTP_HOST}. */
    public String envName() {
        return PREFIX + name();
    }

    /** The key in {@code config/paperboy.yml}, e.g. {@code smtp_host}. */
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public static Optional<SettingKey> byEnvName(String envName) {
        return Arrays.stream(values()).filter(k -> k.envName().equals(envName)).findFirst();
    }

    public static Optional<SettingKey> byYamlName(String yamlName) {
        return Arrays.stream(values()).filter(k -> k.yamlName().equals(yamlName)).findFirst();
    }

    public static List<SettingKey> all() {
        return List.of(values());
    }
}
