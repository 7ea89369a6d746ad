package org.paperboy.papers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Keeps requests to one host at least {@code interval} apart (arXiv asks for 3 seconds). */
final class RequestPacer {

    private final Duration interval;
    private final Clock clock;
    private final Sleeper sleeper;
    private Instant lastRequest;

    RequestPacer(Duration interval, Clock clock, Sleeper sleeper) {
        this.interval = interval;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Returns when the next request may start, and counts it as started. */
    synchronized void awaitTurn() throws InterruptedException {
        if (lastRequest != null) {
            Duration wait = Duration.between(clock.instant(), lastRequest.plus(interval));
            if (wait.compareTo(Duration.ZERO) > 0) {
                sleeper.sleep(wait);
            }
        }
        lastRequest = clock.instant();
    }
}
