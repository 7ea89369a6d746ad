package org.paperboy.subscriptions;

/** What a signed link in a request leads to. */
public sealed interface LinkCheck permits LinkCheck.Found, LinkCheck.Expired, LinkCheck.Invalid, LinkCheck.Superseded {

    /** The link is authentic, current, and its subscriber is still on the list. */
    record Found(Subscriber subscriber) implements LinkCheck {
    }

    /** The link was authentic but is too old. */
    record Expired() implements LinkCheck {
    }

    /**
     * An authentic, current confirm link sent before its subscriber unsubscribed: it must not undo
     * the opt-out (mail scanners open links); the person signs up again to come back.
     */
    record Superseded(Subscriber subscriber) implements LinkCheck {
    }

    /** Missing, tampered with, made for another purpose, or for a subscriber who is gone. */
    record Invalid() implements LinkCheck {
    }
}
