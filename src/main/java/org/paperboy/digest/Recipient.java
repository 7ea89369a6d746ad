package org.paperboy.digest;

import org.paperboy.mail.BodyTemplate;

/**
 * The per-subscriber values of a digest. For sending, {@link #SLOTS} renders markers that are
 * filled in per subscriber after the edition is rendered once; previews use real values.
 */
public record Recipient(String email, String unsubscribeUrl, String preferencesUrl) {

    public static final String EMAIL = "email";
    public static final String UNSUBSCRIBE_URL = "unsubscribeUrl";
    public static final String PREFERENCES_URL = "preferencesUrl";

    public static final Recipient SLOTS = new Recipient(BodyTemplate.slot(EMAIL),
            BodyTemplate.slot(UNSUBSCRIBE_URL), BodyTemplate.slot(PREFERENCES_URL));

    public java.util.Map<String, String> asSlotValues() {
        return java.util.Map.of(EMAIL, email, UNSUBSCRIBE_URL, unsubscribeUrl, PREFERENCES_URL, preferencesUrl);
    }
}
