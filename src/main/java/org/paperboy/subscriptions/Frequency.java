package org.paperboy.subscriptions;

import java.util.Locale;

/** How often a subscriber wants the digest: every day, or once a week on a chosen day. */
public enum Frequency {
    DAILY, WEEKLY;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Frequency fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
