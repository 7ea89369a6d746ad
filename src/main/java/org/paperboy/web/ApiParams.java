package org.paperboy.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.InvalidEmailException;

/** Reading the admin API's path, query and body values; a bad one is a 400 naming the field. */
final class ApiParams {

    private ApiParams() {
    }

    static EmailAddress email(String value) {
        try {
            return EmailAddress.parse(value);
        } catch (InvalidEmailException e) {
            throw new ApiError(400, e.getMessage(), "email");
        }
    }

    static LocalDate date(String value) {
        return EditionDates.parse(value).orElseThrow(() -> new ApiError(400, "the date must look like 2026-11-26", "date"));
    }

    static String text(JsonNode body, String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new ApiError(400, field + " is required", field);
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new ApiError(400, field + " must be a string", field);
        }
        return node.asText();
    }

    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiError(400, name + " must be a whole number from " + min + " to " + max, name);
        }
    }

}
