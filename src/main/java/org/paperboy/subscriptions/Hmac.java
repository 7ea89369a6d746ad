package org.paperboy.subscriptions;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 under one key: what signed links and the preferences form's token are made of. */
public final class Hmac {

    private final SecretKeySpec key;
    /** Mac instances are not thread-safe and costly to look up: one per thread, keyed once. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public Hmac(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a secret is needed to sign");
        }
        this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public byte[] sign(byte[] message) {
        return macs.get().doFinal(message);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
