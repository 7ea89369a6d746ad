package org.paperboy.subscriptions;

import java.time.Instant;

/** A person on the list, with what they chose and the record of their consent. */
public record Subscriber(
        long id,
        String email,
        SubscriberStatus status,
        Preferences preferences,
        Consent consent,
        Instant createdAt,
        Instant unsubscribedAt) {

    /** Where, when and how the subscriber agreed; null fields were not recorded. */
    public record Consent(Instant at, String ip, String userAgent, String source, Instant confirmedAt,
                          String confirmedIp) {
        public static Consent byOperator(Instant at, String source) {
            return new Consent(at, null, null, source, null, null);
        }
    }
}
