package org.paperboy.delivery;

import java.time.Duration;
import org.paperboy.papers.Sleeper;

/**
 * Backs all connections off after the server says it is busy (421, 451, 452): a pause that
 * doubles with each such reply in a row, up to a minute, and ends with the first success.
 */
final class SlowDown {

    static final Duration MAX_PAUSE = Duration.ofMinutes(1);

    private final Duration basePause;
    private final Sleeper sleeper;
    private long pauseUntilNanos;
    private int inARow;

    SlowDown(Duration basePause, Sleeper sleeper) {
        this.basePause = basePause;
        this.sleeper = sleeper;
    }

    synchronized void signal() {
        inARow++;
        long pause = Math.min(MAX_PAUSE.toNanos(), basePause.toNanos() << Math.min(inARow - 1, 20));
        pauseUntilNanos = System.nanoTime() + pause;
    }

    synchronized void reset() {
        inARow = 0;
    }

    void awaitTurn() throws InterruptedException {
        long remaining;
        synchronized (this) {
            remaining = pauseUntilNanos - System.nanoTime();
        }
        if (remaining > 0) {
            sleeper.sleep(Duration.ofNanos(remaining));
        }
    }
}
