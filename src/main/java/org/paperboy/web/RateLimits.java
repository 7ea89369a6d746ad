package org.paperboy.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Request budgets per key, in memory: one process's view, reset by a restart, which is enough to
 * blunt floods of sign-ups and link guessing. Each key has a Bucket4j bucket that refills whole at
 * the end of each window; the buckets live in a Caffeine cache bounded to {@code maxKeys}. When
 * it is full, Caffeine's frequency-aware eviction turns away one-off keys before busy ones, so a
 * flood of new addresses cannot wipe the count of a client already over its budget; a bucket idle
 * for a whole window is full again and is dropped.
 */
final class RateLimits {

    static final int MAX_KEYS = 100_000;

    private final Cache<String, Budget> budgets;
    private final TimeMeter time;

    /** A bucket with the window it refills over. */
    private record Budget(Bucket bucket, Duration window) {
    }

    /** The outcome of one attempt: allowed, or refused with the time until the budget comes back. */
    record Verdict(boolean allowed, Duration retryAfter) {
    }

    RateLimits(Clock clock) {
        this(clock, MAX_KEYS);
    }

    RateLimits(Clock clock, int maxKeys) {
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.budgets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .ticker(time::currentTimeNanos)
                .executor(Runnable::run) // evict on the caller's thread: the bound holds at once
                .expireAfter(new Expiry<String, Budget>() {
                    @Override
                    public long expireAfterCreate(String key, Budget budget, long now) {
                        return budget.window().toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Budget budget, long now, long remaining) {
                        return budget.window().toNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, Budget budget, long now, long remaining) {
                        return budget.window().toNanos();
                    }
                })
                .build();
    }

    /** Takes one from the budget of {@code key} in {@code bucket}: {@code limit} per {@code window}. */
    Verdict tryAcquire(String bucket, String key, int limit, Duration window) {
        Budget budget = budgets.get(bucket + '\u0000' + key, k -> new Budget(Bucket.builder()
                .addLimit(l -> l.capacity(limit).refillIntervally(limit, window))
                .withCustomTimePrecision(time)
                .build(), window));
        ConsumptionProbe probe = budget.bucket().tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? new Verdict(true, Duration.ZERO)
                : new Verdict(false, Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    long size() {
        return budgets.estimatedSize();
    }
}
