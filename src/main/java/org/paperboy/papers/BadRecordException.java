package org.paperboy.papers;

/** A record a parser has to skip; the message says why, without the location. */
final class BadRecordException extends RuntimeException {

    BadRecordException(String message) {
        super(message, null, false, false);
    }
}
