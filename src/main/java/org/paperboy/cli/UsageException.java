package org.paperboy.cli;

/** The command line asked for something that cannot be done as asked (exit 2). */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
