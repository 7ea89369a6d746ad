package org.paperboy.delivery;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;

/**
 * What one run of a send did: the counts of this run ({@code sentNow}, ...) and the state of the
 * whole edition afterwards ({@code ledger}). {@code stoppedBecause} is null when the run ended
 * because there was nothing left to send. {@code choosing} is what choosing the readers' papers
 * did before the run.
 */
public record SendReport(LocalDate date, long editionId, int sentNow, int deferredNow, int failedNow,
                         int skippedNow, Map<DeliveryLedger.State, Integer> ledger, Duration elapsed,
                         String stoppedBecause, ReaderSelections.Report choosing) {

    public int total() {
        return ledger.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int stillToSend() {
        return ledger.get(DeliveryLedger.State.QUEUED) + ledger.get(DeliveryLedger.State.DEFERRED)
                + ledger.get(DeliveryLedger.State.SENDING);
    }

    /** Whether anything in this run did not go out as it should. */
    public boolean hadFailures() {
        return failedNow > 0 || deferredNow > 0 || stoppedBecause != null;
    }

    public double ratePerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : sentNow / seconds;
    }
}
