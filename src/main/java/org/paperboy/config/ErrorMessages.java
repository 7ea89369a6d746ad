package org.paperboy.config;

/** Errors from libraries and servers, made into the one line Paperboy prints or logs. */
public final class ErrorMessages {

    private ErrorMessages() {
    }

    /** The first line of an exception's message, stripped; "unknown error" when there is none. */
    public static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unknown error";
        }
        return message.strip().lines().findFirst().orElse("").strip();
    }
}
