package org.paperboy.delivery;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;

/** One day's digest: the papers chosen for it are frozen when it is created. */
public record Edition(long id, LocalDate date, Status status, Instant createdAt, Instant startedAt,
                      Instant finishedAt, String lastError) {

    /** This edition as it reads once marked sending again (see {@link EditionRepository#markSending}). */
    public Edition sending() {
        return new Edition(id, date, Status.SENDING, createdAt, startedAt, null, null);
    }

    public enum Status {
        /** Deliveries are queued or under way. */
        SENDING,
        /** Every delivery reached a final state. */
        SENT,
        /** The edition could not be started (e.g. a template does not render). */
        FAILED;

        String dbValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status fromDb(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** Which ranking a subscriber's digest is cut from. */
    public enum Selection {
        DAILY, WEEKLY;

        public String dbValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Selection fromDb(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
