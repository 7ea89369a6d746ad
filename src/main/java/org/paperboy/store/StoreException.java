package org.paperboy.store;

/** A database operation failed; the message is meant for the operator. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
