package org.paperboy.subscriptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses the comma-separated topics a subscriber types (preferences page, admin API, the command
 * line, a CSV import): the one place that says what a topic may be.
 */
public final class Topics {

    public static final int MAX_TOPICS = 10;
    public static final int MAX_LENGTH = 40;
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{N} .+#/&'-]+");

    private Topics() {
    }

    /**
     * The distinct topics in {@code input}, trimmed, in the order typed.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public static List<String> parse(String input) {
        if (input == null || input.isBlank()) {
            return List.of();
        }
        Map<String, String> distinct = new LinkedHashMap<>();
        for (String raw : input.split(",")) {
            String topic = raw.strip().replaceAll("\\s+", " ");
            if (topic.isEmpty()) {
                continue;
            }
            if (topic.length() > MAX_LENGTH) {
                throw new IllegalArgumentException("Each topic can be at most " + MAX_LENGTH + " characters long.");
            }
            if (!ALLOWED.matcher(topic).matches()) {
                throw new IllegalArgumentException("Topics can contain letters, digits, spaces and . + # / & ' - only.");
            }
            distinct.putIfAbsent(topic.toLowerCase(Locale.ROOT), topic);
        }
        if (distinct.size() > MAX_TOPICS) {
            throw new IllegalArgumentException("Choose at most " + MAX_TOPICS + " topics.");
        }
        return new ArrayList<>(distinct.values());
    }
}
