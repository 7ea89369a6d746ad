package org.paperboy.subscriptions;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * What a subscriber chose. {@code digestSize} null means the newsletter's default;
 * {@code weeklyDay} is set only for weekly subscribers; {@code pausedUntil} null means not paused;
 * {@code timezone} null means the newsletter's own zone.
 */
public record Preferences(Integer digestSize, Frequency frequency, DayOfWeek weeklyDay, LocalDate pausedUntil,
                          List<String> topics, ZoneId timezone) {

    public static final int MIN_SIZE = 5;
    public static final int MAX_SIZE = 25;

    public static final Preferences DEFAULT = new Preferences(null, Frequency.DAILY, null, null, List.of(), null);

    /** Preferences without a time zone of their own. */
    public Preferences(Integer digestSize, Frequency frequency, DayOfWeek weeklyDay, LocalDate pausedUntil,
                       List<String> topics) {
        this(digestSize, frequency, weeklyDay, pausedUntil, topics, null);
    }

    /** These preferences with {@code zone} as the reader's time zone (null: the newsletter's). */
    public Preferences withTimezone(ZoneId zone) {
        return new Preferences(digestSize, frequency, weeklyDay, pausedUntil, topics, zone);
    }

    /** These preferences with {@code chosen} as the reader's topics. */
    public Preferences withTopics(List<String> chosen) {
        return new Preferences(digestSize, frequency, weeklyDay, pausedUntil, chosen, timezone);
    }

    public Preferences {
        topics = topics == null ? List.of() : List.copyOf(topics);
        if (frequency == Frequency.DAILY) {
            weeklyDay = null;
        } else if (weeklyDay == null) {
            weeklyDay = DayOfWeek.MONDAY;
        }
    }

    /** Whether a digest is due on {@code date} under these preferences. */
    public boolean wantsDigestOn(LocalDate date) {
        if (pausedUntil != null && date.isBefore(pausedUntil)) {
            return false;
        }
        return frequency == Frequency.DAILY || date.getDayOfWeek() == weeklyDay;
    }
}
