package org.paperboy.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * Group commit for "sent" marks. Each sender thread waits until its mark is in the database
 * before it sends its next message (so a hard kill can repeat at most the one message in flight
 * per connection), but the threads waiting at the same moment share one transaction: while one
 * commit is being written the next marks gather, and the first of them to find the database
 * free writes them all.
 */
final class SentMarks {

    record Mark(long deliveryId, String reply) {
    }

    private final DeliveryLedger ledger;
    private List<Mark> pending = new ArrayList<>();
    private long added;
    private long written;
    private boolean writing;

    SentMarks(DeliveryLedger ledger) {
        this.ledger = ledger;
    }

    /** Records the mark and returns once it is committed (by this thread or another). */
    void markSent(long deliveryId, String reply) throws InterruptedException {
        long mine;
        synchronized (this) {
            pending.add(new Mark(deliveryId, reply));
            mine = ++added;
        }
        while (true) {
            List<Mark> batch;
            long upTo;
            synchronized (this) {
                while (writing && written < mine) {
                    wait();
                }
                if (written >= mine) {
                    return;
                }
                writing = true;
                batch = pending;
                upTo = added;
                pending = new ArrayList<>();
            }
            boolean ok = false;
            try {
                ledger.markSentAll(batch);
                ok = true;
            } finally {
                synchronized (this) {
                    writing = false;
                    if (ok) {
                        written = upTo;
                    } else {
                        batch.addAll(pending); // the failed marks go first; their owners retry them
                        pending = batch;
                    }
                    notifyAll();
                }
            }
        }
    }
}
