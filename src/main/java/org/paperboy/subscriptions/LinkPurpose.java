package org.paperboy.subscriptions;

import java.time.Duration;

/** What a signed link lets its holder do, and how long it lasts. */
public enum LinkPurpose {
    CONFIRM("c", Duration.ofHours(72)),
    UNSUBSCRIBE("u", Duration.ofDays(90)),
    PREFERENCES("p", Duration.ofDays(90));

    private final String code;
    private final Duration lifetime;

    LinkPurpose(String code, Duration lifetime) {
        this.code = code;
        this.lifetime = lifetime;
    }

    String code() {
        return code;
    }

    public Duration lifetime() {
        return lifetime;
    }

    static LinkPurpose fromCode(String code) {
        for (LinkPurpose p : values()) {
            if (p.code.equals(code)) {
                return p;
            }
        }
        return null;
    }
}
