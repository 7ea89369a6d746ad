package org.paperboy.subscriptions;

/** What a signed link in a request leads to. */
public sealed interface LinkCheck permits LinkCheck.Found, LinkCheck.Expired, LinkCheck.Invalid {

    /** The link is authentic, current, and its subscriber is still on the list. */
    record Found(Subscriber subscriber) implements LinkCheck {
    }

    /** The link was authentic but is too old. */
    record Expired() implements LinkCheck {
    }

    /** Missing, tampered with, made for another purpose, or for a subscriber who is gone. */
    record Invalid() implements LinkCheck {
    }
}
