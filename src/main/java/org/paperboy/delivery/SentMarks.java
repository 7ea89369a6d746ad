package org.paperboy.delivery;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Sent" marks, durable before the connection sends its next message: appended to the
 * {@link SentJournal} when there is one, else committed to the database with group commit.
 * Each sender thread waits until its mark is in the database
 * before it sends its next message (so a hard kill can repeat at most the one message in flight
 * per connection), but the threads waiting at the same moment share one transaction: while one
 * commit is being written the next marks gather, and the first of them to find the database
 * free writes them all.
 */
final class SentMarks {

    record Mark(long deliveryId, String reply, java.time.Instant at) {
    }

    private static final Logger log = LoggerFactory.getLogger(SentMarks.class);

    private final DeliveryLedger ledger;
    private final SentJournal journal;
    private final java.time.Clock clock;
    private final String senderId;
    private List<Mark> pending = new ArrayList<>();
    private long added;
    private long written;
    private boolean writing;

    /** {@code journal} null: every mark is committed to the database, for the rows {@code senderId} still holds. */
    SentMarks(DeliveryLedger ledger, SentJournal journal, java.time.Clock clock, String senderId) {
        this.ledger = ledger;
        this.senderId = senderId;
        this.journal = journal;
        this.clock = clock;
    }

    /** Records the mark and returns once it is durable: in the journal, or committed (by this thread or another). */
    void markSent(long deliveryId, String reply) throws InterruptedException {
        Mark mark = new Mark(deliveryId, reply, clock.instant());
        if (journal != null) {
            try {
                journal.append(mark);
                return;
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot write the sent journal: " + e.getMessage(), e);
            }
        }
        long mine;
        synchronized (this) {
            pending.add(mark);
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
                int written = ledger.markSentAll(batch, senderId);
                if (written < batch.size()) {
                    // sent in the moment between the last ownership check and the send: the new holder's result stands
                    log.warn("event=sent_mark_fenced sender={} marks={}", senderId, batch.size() - written);
                }
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
