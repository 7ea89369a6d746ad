package org.paperboy.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Rendered responses that change only with the editions or the templates: the web view of an
 * edition, the feed and the start page. Each is rendered once and then served as bytes with an
 * {@code ETag} and {@code Last-Modified}, answering conditional requests with 304.
 *
 * <p>What the pages are made of is summed up in a fingerprint (the editions' rows, the template
 * files' names, sizes and times), read at most once per {@link #CHECK_EVERY} by the injected
 * clock. When it differs, every entry is dropped: a new edition, a status change or a template
 * edit shows within that second, and also when another process (a {@code send}, another node)
 * made the change. Memory is bounded by the bytes held ({@code maxBytes}), least recently used out.
 */
final class RenderCache {

    static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;

    /** A response ready to serve again. */
    record Rendered(byte[] body, String contentType, String cacheControl, String etag, Instant lastModified,
                    String lastModifiedHeader) {
    }

    /** The version of the inputs: entries of an older generation are never served. */
    private record Generation(long number, Object fingerprint, Instant checkedAt) {
    }

    private final Cache<String, Rendered> cache;
    private final Supplier<?> fingerprint;
    private final Clock clock;
    private final ReentrantLock checking = new ReentrantLock();
    private volatile Generation generation;

    /**
     * @param fingerprint everything the cached pages are made of, compared with {@code equals};
     *                    read at most once per {@link #CHECK_EVERY}
     */
    RenderCache(Supplier<?> fingerprint, long maxBytes, Clock clock) {
        this.fingerprint = fingerprint;
        this.clock = clock;
        this.cache = Caffeine.newBuilder().maximumWeight(maxBytes)
                .weigher((String key, Rendered r) -> r.body().length + key.length() + 256)
                .recordStats().build();
        this.generation = new Generation(0, fingerprint.get(), clock.instant());
    }

    Cache<String, Rendered> cache() {
        return cache;
    }

    /**
     * Answers {@code ctx} with the response cached under {@code key}, rendering it with {@code render}
     * if there is none for the current generation. A renderer's exception (a 404 page) is not cached.
     */
    void serve(Context ctx, String key, Supplier<Page> render) {
        Rendered rendered = get(key, render);
        ctx.header("ETag", rendered.etag());
        ctx.header("Last-Modified", rendered.lastModifiedHeader());
        ctx.header("Cache-Control", rendered.cacheControl());
        if (notModified(ctx, rendered)) {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType(rendered.contentType()).result(rendered.body());
    }

    /** The cached response for {@code key} in the current generation, rendered now if there is none. */
    Rendered get(String key, Supplier<Page> render) {
        return cache.get(current().number() + " " + key, k -> rendered(render.get()));
    }

    /** What a handler renders: the text, its content type and its {@code Cache-Control}. */
    record Page(String body, String contentType, String cacheControl) {
    }

    private Rendered rendered(Page page) {
        byte[] body = page.body().getBytes(StandardCharsets.UTF_8);
        Instant renderedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return new Rendered(body, page.contentType(), page.cacheControl(), etag(body), renderedAt,
                DateTimeFormatter.RFC_1123_DATE_TIME.format(renderedAt.atZone(ZoneOffset.UTC)));
    }

    private Generation current() {
        Generation g = generation;
        Instant now = clock.instant();
        if (now.isBefore(g.checkedAt().plus(CHECK_EVERY)) || !checking.tryLock()) {
            // one request looks; the others serve what is there meanwhile
            return g;
        }
        try {
            Object seen = fingerprint.get();
            g = generation;
            if (Objects.equals(seen, g.fingerprint())) {
                generation = new Generation(g.number(), g.fingerprint(), now);
            } else {
                generation = new Generation(g.number() + 1, seen, now);
                cache.invalidateAll();
            }
            return generation;
        } finally {
            checking.unlock();
        }
    }

    /** RFC 9110 §13.1: If-None-Match wins over If-Modified-Since; weak comparison for GET. */
    static boolean notModified(Context ctx, Rendered rendered) {
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifNoneMatch != null) {
            String mine = opaque(rendered.etag());
            return Arrays.stream(ifNoneMatch.split(",")).map(String::strip)
                    .anyMatch(tag -> tag.equals("*") || opaque(tag).equals(mine));
        }
        String ifModifiedSince = ctx.header("If-Modified-Since");
        if (ifModifiedSince == null) {
            return false;
        }
        try {
            Instant since = ZonedDateTime.parse(ifModifiedSince.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return !rendered.lastModified().isAfter(since);
        } catch (DateTimeParseException e) {
            // an unreadable date is ignored, as RFC 9110 asks
            return false;
        }
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 18)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
