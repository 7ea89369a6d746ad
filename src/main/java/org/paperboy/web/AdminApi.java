package org.paperboy.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API of DESIGN §4: JSON, behind {@code Authorization: Bearer $PAPERBOY_ADMIN_TOKEN}.
 * An empty token disables it (every call is 401). This class is the token check, in one place; each
 * resource ({@link SubscribersApi}, {@link PapersApi}, {@link EditionsApi}, {@link PreviewApi}) wraps its
 * handlers in {@link #admin(Handler)}.
 */
final class AdminApi {

    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

    private final byte[] tokenDigest;
    private final WebLimits limits;
    /** Wrong tokens per client: a client past its budget is answered 429 until the window ends. */
    private final RateLimits failures;

    AdminApi(String adminToken, WebLimits limits, Clock clock) {
        this.tokenDigest = adminToken.isEmpty() ? null : sha256(adminToken);
        this.limits = limits;
        this.failures = new RateLimits(clock, limits.trackedClients());
    }

    boolean enabled() {
        return tokenDigest != null;
    }

    /**
     * Whether {@code presented} is the admin token. A wrong one is charged to the client; past its
     * budget the answer is 429. The right token is checked first and never refused, so guessing
     * from a shared address cannot lock the operator out (at 32 characters or more it is no use).
     */
    boolean accepts(Context ctx, String presented) {
        // digests of equal length, compared in constant time: neither content nor length leaks
        if (tokenDigest == null || presented.isEmpty()) {
            return false;
        }
        // digests of equal length, compared in constant time: neither content nor length leaks
        if (MessageDigest.isEqual(tokenDigest, sha256(presented))) {
            return true;
        }
        RateLimits.Verdict verdict = failures.tryAcquire("admin-failures", WebServer.clientKey(ctx),
                limits.adminFailuresPerIp(), limits.window());
        if (!verdict.allowed()) {
            long seconds = Math.max(1, verdict.retryAfter().toSeconds());
            log.warn("event=admin_auth_throttled retry_after_s={}", seconds);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new ApiError(429, "too many wrong admin tokens from this address; try again in " + seconds + " s");
        }
        return false;
    }

    static String bearerToken(Context ctx) {
        String header = ctx.header("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
    }

    static String basicPassword(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "";
        }
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(header.substring(6).strip()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? "" : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    Handler admin(Handler handler) {
        return ctx -> {
            if (tokenDigest == null) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiError(401, "the admin API is disabled: set PAPERBOY_ADMIN_TOKEN to enable it");
            }
            String header = ctx.header("Authorization");
            if (!accepts(ctx, bearerToken(ctx))) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiError(401, header == null ? "missing Authorization: Bearer token" : "wrong admin token");
            }
            handler.handle(ctx);
        };
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
