package org.paperboy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The typed readers of raw setting values for {@link SettingsLoader}: whole numbers and decimals
 * in a range, durations, time zones, times of day, URLs, lists. Each returns the value or throws a
 * {@link ConfigException} naming the key, the value and what is accepted.
 */
final class SettingValues {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** The values read so far, by key; a key without one has its default. */
    private final Map<SettingKey, String> raw;

    SettingValues(Map<SettingKey, String> raw) {
        this.raw = raw;
    }

    String value(SettingKey key) {
        return raw.getOrDefault(key, key.defaultValue());
    }

    String text(SettingKey key) {
        String value = value(key);
        rejectControlCharacters(key, value);
        return value.strip();
    }

    String required(SettingKey key, String prefix) {
        String value = text(key);
        if (value.isEmpty() || !value.startsWith(prefix)) {
            throw new ConfigException(key.envName(), value(key),
                    prefix.isEmpty() ? "a non-empty value" : "a value starting with '" + prefix + "'");
        }
        return value;
    }

    String headerSafe(SettingKey key) {
        return required(key, "");
    }

    int integer(SettingKey key, int min, int max) {
        String value = text(key);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key.envName(), value(key), "a whole number from " + min + " to " + max);
    }

    double decimal(SettingKey key, double min, double max) {
        String value = text(key);
        try {
            double parsed = Double.parseDouble(value);
            if (parsed >= min && parsed <= max && !Double.isNaN(parsed)) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key.envName(), value(key), "a number from " + trim(min) + " to " + trim(max));
    }

    Settings.SmtpSecurity security(SettingKey key) {
        String value = text(key);
        try {
            return Settings.SmtpSecurity.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.envName(), value(key), "one of starttls, tls, none");
        }
    }

    java.time.LocalTime timeOfDay(SettingKey key) {
        String value = text(key);
        if (!value.matches("\\d{2}:\\d{2}")) {
            throw new ConfigException(key.envName(), value, "a time of day HH:MM such as 07:00");
        }
        try {
            return java.time.LocalTime.parse(value);
        } catch (DateTimeException e) {
            throw new ConfigException(key.envName(), value, "a time of day HH:MM such as 07:00");
        }
    }

    ZoneId zone(SettingKey key) {
        String value = text(key);
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            throw new ConfigException(key.envName(), value(key), "a time zone such as UTC or Europe/Berlin");
        }
    }

    URI httpUrl(SettingKey key) {
        String value = text(key);
        try {
            URI uri = new URI(value);
            if (WebUrls.isWebUrl(uri)) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException(key.envName(), value(key), "an absolute http:// or https:// URL");
    }

    List<String> list(SettingKey key) {
        List<String> items = new ArrayList<>();
        for (String part : text(key).split(",")) {
            if (!part.isBlank()) {
                items.add(part.strip());
            }
        }
        return items;
    }

    Duration duration(SettingKey key) {
        return parseDuration(key, text(key));
    }

    List<Duration> durations(SettingKey key) {
        List<Duration> result = new ArrayList<>();
        for (String part : text(key).split(",")) {
            result.add(parseDuration(key, part.strip()));
        }
        return List.copyOf(result);
    }

    Duration parseDuration(SettingKey key, String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new ConfigException(key.envName(), value(key), "durations such as 30s, 5m, 1h or 2d");
        }
        long amount = Long.parseLong(m.group(1));
        Duration parsed = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (parsed.isZero()) {
            throw new ConfigException(key.envName(), value(key), "durations longer than zero");
        }
        return parsed;
    }

    static void rejectControlCharacters(SettingKey key, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new ConfigException(key.envName(), value.replaceAll("\\p{Cntrl}", "?"),
                        "a value without line breaks or control characters");
            }
        }
    }

    static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
