package org.paperboy.delivery;

/** An edition could not be started; nothing was sent. */
public final class EditionFailedException extends RuntimeException {
    public EditionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
