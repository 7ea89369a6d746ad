package org.paperboy.papers;

import java.time.Duration;

/** Waits; tests substitute one that advances a clock, or records, instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(Math.max(0, duration.toMillis()));

    void sleep(Duration duration) throws InterruptedException;
}
