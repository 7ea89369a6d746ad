package org.paperboy.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin API of DESIGN §4: JSON, behind {@code Authorization: Bearer $PAPERBOY_ADMIN_TOKEN}.
 * An empty token disables it (every call is 401). This class is the token check, in one place; each
 * resource ({@link SubscribersApi}, {@link PapersApi}, {@link EditionsApi}, {@link PreviewApi}) wraps its
 * handlers in {@link #admin(Handler)}.
 */
final class AdminApi {

    private final byte[] tokenDigest;

    AdminApi(String adminToken) {
        this.tokenDigest = adminToken.isEmpty() ? null : sha256(adminToken);
    }

    boolean enabled() {
        return tokenDigest != null;
    }

    boolean accepts(String presented) {
        // digests of equal length, compared in constant time: neither content nor length leaks
        return tokenDigest != null && !presented.isEmpty() && MessageDigest.isEqual(tokenDigest, sha256(presented));
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
            if (!accepts(bearerToken(ctx))) {
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
