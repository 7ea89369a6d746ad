package org.paperboy.delivery;

/**
 * A token bucket shared by all connections of a send: at most {@code ratePerSecond} messages a
 * second on average, with bursts of up to one second's worth. A rate of 0 means no limit.
 */
final class RateLimiter {

    private final double ratePerSecond;
    private final double capacity;
    private double tokens;
    private long lastRefill;

    RateLimiter(double ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
        this.capacity = Math.max(1, ratePerSecond);
        this.tokens = 1;
        this.lastRefill = System.nanoTime();
    }

    void acquire() throws InterruptedException {
        if (ratePerSecond <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - lastRefill) * ratePerSecond / 1e9);
            lastRefill = now;
            tokens -= 1;
            // a negative balance is this caller's place in the queue
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / ratePerSecond * 1e9);
        }
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }
}
