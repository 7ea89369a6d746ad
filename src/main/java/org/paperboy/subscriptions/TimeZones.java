package org.paperboy.subscriptions;

import java.time.ZoneId;
import java.util.List;

/** The IANA time zones a reader can choose from, and the strict check of a chosen one. */
public final class TimeZones {

    /** Every region the JDK knows, sorted: the list the preferences page offers. */
    private static final List<String> CHOICES = ZoneId.getAvailableZoneIds().stream().sorted().toList();

    private TimeZones() {
    }

    public static List<String> choices() {
        return CHOICES;
    }

    /**
     * The zone named exactly {@code name} (e.g. {@code Asia/Kolkata}); null for null or blank,
     * which means the newsletter's own zone.
     *
     * @throws IllegalArgumentException with a message for the user when the name is not a known zone
     */
    public static ZoneId parse(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String trimmed = name.strip();
        // offsets such as +05:30 and prefixes such as UTC+3 would parse, but do not follow a region's daylight saving
        if (!ZoneId.getAvailableZoneIds().contains(trimmed)) {
            throw new IllegalArgumentException("unknown time zone '" + printable(trimmed)
                    + "': use an IANA name such as Europe/Berlin or America/New_York");
        }
        return ZoneId.of(trimmed);
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
