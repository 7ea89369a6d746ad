package org.paperboy.delivery;

import java.time.Instant;
import java.util.function.LongFunction;

/**
 * Whom a run of an edition may reach now: which readers by time zone ({@code zones}), when the
 * last reader's morning of it is ({@code latestMorning}, null: no later than its start), whether
 * some reader's morning is still ahead (the edition then stays open), and the last moment a
 * reader's delivery may still be retried ({@code deadline}, by subscriber id).
 */
record Reach(DueZones zones, Instant latestMorning, boolean morningsAhead, LongFunction<Instant> deadline) {

    /** An operator's send: everyone due the edition, now, with the edition's own cut-off. */
    static final Reach EVERYONE = new Reach(DueZones.EVERYONE, null, false, subscriberId -> Instant.MAX);

    Instant latestStart(Instant startedAt) {
        return latestMorning == null || latestMorning.isBefore(startedAt) ? startedAt : latestMorning;
    }

    Instant deadline(long subscriberId) {
        return deadline.apply(subscriberId);
    }
}
