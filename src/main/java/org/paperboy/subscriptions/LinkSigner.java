package org.paperboy.subscriptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

/**
 * Signs and checks the tokens in confirm, unsubscribe and preferences links:
 * {@code base64url(subscriberId.purpose.expiry) + "." + base64url(HMAC-SHA256)}, compared in
 * constant time.
 */
public final class LinkSigner {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Hmac hmac;

    public LinkSigner(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a secret is needed to sign links");
        }
        this.hmac = new Hmac(secret);
    }

    /** The outcome of checking a token. */
    public sealed interface Verdict permits Valid, Expired, Invalid {
    }

    /** An authentic, current token; {@code expiry} tells when it was issued (expiry minus the purpose's lifetime). */
    public record Valid(long subscriberId, Instant expiry) implements Verdict {
    }

    public record Expired(long subscriberId) implements Verdict {
    }

    public record Invalid() implements Verdict {
    }

    public String sign(long subscriberId, LinkPurpose purpose, Instant expiry) {
        String payload = subscriberId + "." + purpose.code() + "." + expiry.getEpochSecond();
        byte[] payloadBytes = payload.getBytes(StandardCharsets.US_ASCII);
        return ENCODER.encodeToString(payloadBytes) + "." + ENCODER.encodeToString(mac(payloadBytes));
    }

    public Verdict verify(String token, LinkPurpose purpose, Instant now) {
        if (token == null || token.length() > 200) {
            return new Invalid();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return new Invalid();
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = DECODER.decode(token.substring(0, dot));
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return new Invalid();
        }
        if (!MessageDigest.isEqual(mac(payload), signature)) {
            return new Invalid();
        }
        String[] parts = new String(payload, StandardCharsets.US_ASCII).split("\\.");
        if (parts.length != 3 || LinkPurpose.fromCode(parts[1]) != purpose) {
            return new Invalid();
        }
        long subscriberId;
        long expiry;
        try {
            subscriberId = Long.parseLong(parts[0]);
            expiry = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return new Invalid();
        }
        if (now.getEpochSecond() > expiry) {
            return new Expired(subscriberId);
        }
        return new Valid(subscriberId, Instant.ofEpochSecond(expiry));
    }

    /**
     * A short signed value safe in the local part of an address ({@code value-signature}, lower
     * case letters and digits), for VERP bounce addresses.
     */
    public String signShort(String value) {
        byte[] mac = mac(value.getBytes(StandardCharsets.US_ASCII));
        StringBuilder hex = new StringBuilder(value).append('-');
        for (int i = 0; i < 5; i++) {
            hex.append(String.format("%02x", mac[i]));
        }
        return hex.toString();
    }

    /** The value of a token made by {@link #signShort}, or null when the signature does not match. */
    public String verifyShort(String token) {
        int dash = token.lastIndexOf('-');
        if (dash <= 0) {
            return null;
        }
        String value = token.substring(0, dash);
        byte[] expected = signShort(value).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, token.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))
                ? value : null;
    }

    private byte[] mac(byte[] payload) {
        return hmac.sign(payload);
    }
}
