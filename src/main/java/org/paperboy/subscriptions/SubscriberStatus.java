package org.paperboy.subscriptions;

import java.util.Locale;

public enum SubscriberStatus {
    PENDING, ACTIVE, UNSUBSCRIBED, BOUNCED, SUPPRESSED;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SubscriberStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Parses a status named by a user, e.g. on the command line. */
    public static SubscriberStatus parse(String value) {
        try {
            return fromDb(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown status '" + value
                    + "': expected one of pending, active, unsubscribed, bounced, suppressed");
        }
    }
}
