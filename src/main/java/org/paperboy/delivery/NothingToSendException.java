package org.paperboy.delivery;

/** There is no paper to put in an edition. */
public final class NothingToSendException extends RuntimeException {
    public NothingToSendException(String message) {
        super(message);
    }
}
