package org.paperboy.subscriptions;

/** An address the user typed cannot be used; the message says why in plain words. */
public final class InvalidEmailException extends IllegalArgumentException {
    public InvalidEmailException(String message) {
        super(message);
    }
}
