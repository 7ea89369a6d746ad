package org.paperboy.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.paperboy.subscriptions.Hmac;

/**
 * The hidden anti-CSRF field of the preferences form: {@code issuedAt.HMAC(secret, purpose,
 * subscriber, issuedAt)}. Stateless (no session, no cookie) and bound to one subscriber, so a
 * page from another site cannot post a form for anyone.
 */
final class FormTokens {

    static final Duration LIFETIME = Duration.ofHours(12);

    private final Hmac hmac;
    private final Clock clock;

    FormTokens(String secret, Clock clock) {
        this.hmac = new Hmac("paperboy-form-token:" + secret);
        this.clock = clock;
    }

    String issue(long subscriberId) {
        long issued = clock.instant().getEpochSecond();
        return issued + "." + mac(subscriberId, issued);
    }

    boolean verify(String token, long subscriberId) {
        if (token == null || token.length() > 100) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long issued;
        try {
            issued = Long.parseLong(token.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        // compared as seconds: a forged issue time may lie beyond what an Instant can hold
        long now = clock.instant().getEpochSecond();
        if (issued > now + 60 || issued < now - LIFETIME.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(mac(subscriberId, issued).getBytes(StandardCharsets.US_ASCII),
                token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(long subscriberId, long issued) {
        byte[] bytes = hmac.sign(("preferences|" + subscriberId + "|" + issued).getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
