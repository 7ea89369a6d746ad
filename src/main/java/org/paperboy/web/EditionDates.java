package org.paperboy.web;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An edition date typed into a URL: {@code YYYY-MM-DD} with a four-digit year, nothing else.
 * {@link LocalDate#parse} also takes years such as {@code +999999999}, which PostgreSQL refuses
 * (a server error instead of a 404).
 */
final class EditionDates {

    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private EditionDates() {
    }

    static Optional<LocalDate> parse(String text) {
        if (text == null || !ISO_DATE.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
