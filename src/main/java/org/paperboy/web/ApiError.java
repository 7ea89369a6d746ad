package org.paperboy.web;

/** A bad admin API request: answered as {@code {"error": message, "field": field}} with a 4xx status. */
final class ApiError extends RuntimeException {

    final int status;
    final String field;

    ApiError(int status, String message, String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    ApiError(int status, String message) {
        this(status, message, null);
    }
}
