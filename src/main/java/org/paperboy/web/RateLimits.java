package org.paperboy.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Fixed-window request counters per key, in memory: one process's view, reset by a restart,
 * which is enough to blunt floods of sign-ups and link guessing. Bounded: expired windows are
 * dropped when the table grows.
 */
final class RateLimits {

    static final int MAX_KEYS = 100_000;

    private final Clock clock;
    private final Map<String, Window> windows = new HashMap<>();

    RateLimits(Clock clock) {
        this.clock = clock;
    }

    private record Window(Instant start, int count) {
    }

    /** The outcome of one attempt: allowed, or refused with the time until the window ends. */
    record Verdict(boolean allowed, Duration retryAfter) {
    }

    synchronized Verdict tryAcquire(String bucket, String key, int limit, Duration window) {
        Instant now = clock.instant();
        String id = bucket + '\u0000' + key;
        Window current = windows.get(id);
        if (current == null || !now.isBefore(current.start().plus(window))) {
            if (windows.size() >= MAX_KEYS) {
                windows.values().removeIf(w -> !now.isBefore(w.start().plus(window)));
                if (windows.size() >= MAX_KEYS) {
                    windows.clear();
                }
            }
            current = new Window(now, 0);
        }
        if (current.count() >= limit) {
            windows.put(id, current);
            return new Verdict(false, Duration.between(now, current.start().plus(window)));
        }
        windows.put(id, new Window(current.start(), current.count() + 1));
        return new Verdict(true, Duration.ZERO);
    }
}
