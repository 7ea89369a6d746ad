package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.paperboy.testing.MutableClock;

class RateLimitsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    private final Duration hour = Duration.ofHours(1);

    @Test
    void aClientOverItsBudgetStaysRefusedWhileStrangersFillTheTable() {
        RateLimits limits = new RateLimits(clock);
        for (int i = 0; i < 5; i++) {
            assertThat(limits.tryAcquire("bad-links", "203.0.113.7", 5, hour).allowed()).isTrue();
        }
        assertThat(limits.tryAcquire("bad-links", "203.0.113.7", 5, hour).allowed()).isFalse();

        // a flood of new keys, with the client over its budget still trying now and then
        for (int i = 0; i < RateLimits.MAX_KEYS + 1_000; i++) {
            limits.tryAcquire("bad-links", "stranger-" + i, 5, hour);
            if (i % 1_000 == 0) {
                assertThat(limits.tryAcquire("bad-links", "203.0.113.7", 5, hour).allowed()).as("after %d", i).isFalse();
            }
        }
        assertThat(limits.size()).isLessThanOrEqualTo(RateLimits.MAX_KEYS);

        RateLimits.Verdict verdict = limits.tryAcquire("bad-links", "203.0.113.7", 5, hour);
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfter()).isPositive().isLessThanOrEqualTo(hour);
    }

    @Test
    void theBudgetComesBackWhenTheWindowEnds() {
        RateLimits limits = new RateLimits(clock);
        for (int i = 0; i < 3; i++) {
            limits.tryAcquire("subscribe-ip", "203.0.113.7", 3, hour);
        }
        RateLimits.Verdict refused = limits.tryAcquire("subscribe-ip", "203.0.113.7", 3, hour);
        assertThat(refused.allowed()).isFalse();
        assertThat(limits.tryAcquire("subscribe-address", "203.0.113.7", 3, hour).allowed()).isTrue();

        clock.advance(refused.retryAfter());

        assertThat(limits.tryAcquire("subscribe-ip", "203.0.113.7", 3, hour).allowed()).isTrue();
    }
}
