package org.paperboy.delivery;

/** Who asked for a send, which decides how deferred deliveries are treated. */
public enum SendMode {
    /** An operator's {@code send}: deferred deliveries are retried now. */
    MANUAL,
    /** The scheduler: deferred deliveries wait for their backoff to run out. */
    SCHEDULED
}
