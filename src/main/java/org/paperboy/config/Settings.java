package org.paperboy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * Typed settings, grouped by the part of Paperboy that reads them. Built once by
 * {@link SettingsLoader}; every package takes only the group it needs.
 */
public record Settings(
        Database database,
        Smtp smtp,
        Mail mail,
        Web web,
        Digest digest,
        Sources sources,
        Ranking ranking,
        Choosing choosing,
        Sending sending,
        Brand brand,
        Bounces bounces,
        Dkim dkim,
        String logLevel) {

    public static final java.util.List<String> LOG_LEVELS = java.util.List.of("error", "warn", "info", "debug");

    public record Database(String url, String user, String password) {
        public boolean isH2() {
            return url.startsWith("jdbc:h2:");
        }
    }

    public enum SmtpSecurity { STARTTLS, TLS, NONE }

    /** {@code trust} is empty when only the JVM's own CA certificates are trusted. */
    public record Smtp(String host, int port, String username, String password,
                       SmtpSecurity security, Duration timeout, String trust) {
        public boolean authenticates() {
            return !username.isEmpty();
        }
    }

    /**
     * DKIM signing; {@code domain} empty means none. {@code selectors} and {@code keyFiles} pair up:
     * the first is the RSA key, an optional second the Ed25519 key.
     */
    public record Dkim(String domain, List<String> selectors, List<Path> keyFiles) {
        public Dkim {
            selectors = List.copyOf(selectors);
            keyFiles = List.copyOf(keyFiles);
        }

        public boolean enabled() {
            return !domain.isEmpty();
        }
    }

    /** {@code replyTo} and {@code bounceAddress} are empty when not set. */
    public record Mail(String from, String replyTo, String bounceAddress, String listName,
                       String postalAddress) {
    }

    /** {@code secret}, {@code adminToken} and {@code host} are empty when not set. */
    public record Web(URI baseUrl, int port, String secret, String adminToken, String host,
                      List<IpRange> trustedProxies) {
        public static final int MIN_SECRET_BYTES = 32;
        public static final int MIN_ADMIN_TOKEN_CHARS = 32;

        public boolean hasUsableSecret() {
            return secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= MIN_SECRET_BYTES;
        }
    }

    /** {@code deliveryTime} is the local time of day each reader's digest is due in their own zone. */
    public record Digest(String cron, String ingestCron, ZoneId timezone, int size,
                         Path templatesDir, String retryCron, java.time.LocalTime deliveryTime) {
        public static final int MAX_SIZE = 25;
    }

    /**
     * How the newsletter looks without touching HTML. {@code logoUrl} and {@code intro} are empty
     * when not set; {@code subject} has the placeholders of {@link #SUBJECT_PLACEHOLDERS}.
     */
    public record Brand(String accentColor, String logoUrl, String intro, String subject) {
        public static final List<String> SUBJECT_PLACEHOLDERS = List.of("{name}", "{date}", "{title}", "{count}");
    }

    /** The bounce mailbox; {@code host} empty means no polling. */
    public record Bounces(String host, String protocol, int port, SmtpSecurity security, String username,
                          String password, String folder, String pollCron, int softBounceLimit) {
        public boolean enabled() {
            return !host.isEmpty();
        }
    }

    public record Sources(List<String> enabled, URI huggingFaceUrl, URI arxivUrl, String arxivQuery,
                          int arxivMaxResults, Duration timeout, int attempts) {
        public static final List<String> KNOWN = List.of("huggingface", "arxiv");
    }

    public record Ranking(double gravity, int windowDays, double upvoteWeight, double starWeight,
                          double sourceRankWeight) {
        /** The same weights over the last seven days without decay: the week's top papers. */
        public Ranking weekly() {
            return new Ranking(0, 7, upvoteWeight, starWeight, sourceRankWeight);
        }
    }

    /**
     * How each reader's papers are chosen from an edition's ranking: the weights of topic relevance
     * and trend among the papers that match a reader's topics, how many days before a paper may be
     * sent to the same reader again ({@link #NEVER}: never), and the fewest new papers worth a message.
     */
    public record Choosing(double topicWeight, double trendingWeight, int repeatAfterDays, int minPapers) {
        public static final int NEVER = 0;

        public static final Choosing DEFAULT = new Choosing(0.7, 0.3, NEVER, 3);
    }

    public record Sending(int connections, double ratePerSecond, int messagesPerConnection, Duration slowDownPause,
                          List<Duration> retryBackoff, Duration retryCutoff, Duration claimTimeout) {
    }
}
