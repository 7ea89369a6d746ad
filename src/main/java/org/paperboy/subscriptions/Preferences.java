package org.paperboy.subscriptions;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;

/**
 * What a subscriber chose. {@code digestSize} null means the newsletter's default;
 * {@code weeklyDay} is set only for weekly subscribers; {@code pausedUntil} null means not paused.
 */
public record Preferences(Integer digestSize, Frequency frequency, DayOfWeek weeklyDay, LocalDate pausedUntil,
                          List<String> topics) {

    public static final int MIN_SIZE = 5;
    public static final int MAX_SIZE = 25;

    public static final Preferences DEFAULT = new Preferences(null, Frequency.DAILY, null, null, List.of());

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
