package org.paperboy.digest;

import java.util.Map;

/**
 * The per-subscriber values of a digest. Previews and the web view render with real values; for
 * sending, {@link DigestRenderer#renderForReaders} leaves slots that are filled per subscriber.
 */
public record Recipient(String email, String unsubscribeUrl, String preferencesUrl) {

    public static final String EMAIL = "email";
    public static final String UNSUBSCRIBE_URL = "unsubscribeUrl";
    public static final String PREFERENCES_URL = "preferencesUrl";

    /** The values by slot name ({@link RenderedDigest.Slot#name()}). */
    public Map<String, String> asSlotValues() {
        return Map.of(EMAIL, email, UNSUBSCRIBE_URL, unsubscribeUrl, PREFERENCES_URL, preferencesUrl);
    }
}
