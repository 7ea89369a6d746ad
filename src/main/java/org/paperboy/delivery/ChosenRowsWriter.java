package org.paperboy.delivery;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the queued rows of the readers chosen for a run ({@link ReaderSelections}), thousands
 * per transaction in the order of their selections, on a thread of its own while the run claims
 * and sends the rows already written. Writing a hundred thousand rows takes seconds; this way the
 * first messages go out while the rest are written, instead of after. Until every row is written the
 * run gives nobody the general list ({@link ClaimRound}), since a chosen reader whose row is not
 * written yet would look like one of its readers. A run that stops first leaves the readers whose rows
 * were not written without one: the next run chooses for them again.
 */
final class ChosenRowsWriter {

    private static final Logger log = LoggerFactory.getLogger(ChosenRowsWriter.class);

    /** Rows of the first commit: about one claim's worth. */
    static final int FIRST_COMMIT = EditionSender.CLAIM_BATCH;

    private final ReaderSelections selections;
    private final Edition edition;
    private final List<ReaderSelections.ChosenRow> rows;
    private final String messageIdSuffix;
    private Thread thread;
    private volatile boolean stop;
    /** Rows written so far; guarded by {@code this} for waiting. */
    private int written;
    private volatile RuntimeException failure;

    ChosenRowsWriter(ReaderSelections selections, Edition edition, List<ReaderSelections.ChosenRow> rows,
                     String messageIdSuffix) {
        this.selections = selections;
        this.edition = edition;
        this.rows = rows;
        this.messageIdSuffix = messageIdSuffix;
    }

    /** Starts writing; with no rows to write, there is nothing to start. */
    void start() {
        if (rows.isEmpty()) {
            return;
        }
        thread = new Thread(this::writeAll, "chosen-rows");
        thread.setDaemon(true);
        thread.start();
    }

    private void writeAll() {
        try {
            for (int from = 0; from < rows.size() && !stop; ) {
                // the first commits are small and each twice the last, up to the full size: the connections
                // start on the first rows at once instead of waiting for thousands (a second, measured)
                int size = Math.min(ReaderSelections.ROWS_PER_COMMIT, Math.max(FIRST_COMMIT, from));
                List<ReaderSelections.ChosenRow> slice = rows.subList(from, Math.min(rows.size(), from + size));
                from += slice.size();
                selections.write(edition, slice, messageIdSuffix);
                synchronized (this) {
                    written += slice.size();
                    notifyAll();
                }
            }
        } catch (RuntimeException e) {
            failure = e;
            log.error("event=chosen_rows_failed edition={} reason=\"{}\"", edition.id(), e.getMessage(), e);
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Whether every row is written: only then may the run give readers the general list. */
    synchronized boolean allWritten() {
        return written == rows.size();
    }

    /** Why writing stopped short, or null. */
    RuntimeException failure() {
        return failure;
    }

    /** Waits up to {@code millis} for the next rows to be written (or for writing to fail). */
    synchronized void awaitMore(long millis) throws InterruptedException {
        if (written < rows.size() && failure == null) {
            wait(millis);
        }
    }

    /** Stops after the transaction under way and waits for it: the rows not written have none. */
    void stop() {
        stop = true;
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
