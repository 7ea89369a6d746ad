package org.paperboy.delivery;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.paperboy.store.Database;

/**
 * Whether a sender still holds the rows it claimed. A sender frozen for longer than the claim
 * timeout (a long GC pause, SIGSTOP, a suspended VM) has its claims taken over by another sender;
 * when it wakes it must not send them. Each connection asks the database about the rest of its
 * hand-off before a message whenever its last answer is older than {@link #MAX_AGE_NANOS}, so a
 * message goes out only on an answer read at most that long ago: after a pause of any length the
 * answer is read again. Every update of a claimed row is fenced the same way in the ledger
 * ({@code claimed_by = sender and state = 'sending'}).
 */
final class ClaimFence {

    /** How old an answer may be when a message goes out; also how soon a subscriber who left is noticed. */
    static final long MAX_AGE_NANOS = 250_000_000L;

    /** What the database says about one claimed row. */
    enum Hold {
        /** Still this sender's, for an active subscriber: send it. */
        HELD,
        /** Still this sender's, but the subscriber left since the claim: skip it. */
        LEFT,
        /** No longer this sender's (taken over, or finished by another): do not touch it. */
        LOST
    }

    private final Database database;
    private final String senderId;

    ClaimFence(Database database, String senderId) {
        this.database = database;
        this.senderId = senderId;
    }

    /** A check over one hand-off of claims, used by the one connection that sends them. */
    Check check(List<DeliveryLedger.Claim> claims) {
        return new Check(claims);
    }

    final class Check {
        private final List<DeliveryLedger.Claim> claims;
        private Map<Long, Boolean> held = Map.of(); // delivery id -> subscriber still active
        private long readAt;
        private boolean read;

        private Check(List<DeliveryLedger.Claim> claims) {
            this.claims = claims;
        }

        /** Whether the claim at {@code index} is still held; reads the rest of the hand-off again when the last answer is old. */
        Hold of(int index) {
            long now = System.nanoTime();
            if (!read || now - readAt > MAX_AGE_NANOS) {
                readAt = now; // taken before the query: the answer is at least this old
                held = heldFrom(claims.subList(index, claims.size()));
                read = true;
            }
            Boolean active = held.get(claims.get(index).deliveryId());
            return active == null ? Hold.LOST : active ? Hold.HELD : Hold.LEFT;
        }
    }

    private Map<Long, Boolean> heldFrom(List<DeliveryLedger.Claim> claims) {
        if (claims.isEmpty()) {
            return Map.of();
        }
        String in = String.join(",", Collections.nCopies(claims.size(), "?"));
        return database.withConnection(connection -> {
            try (PreparedStatement ps = connection.prepareStatement("""
                    select d.id, s.status from deliveries d join subscribers s on s.id = d.subscriber_id
                    where d.claimed_by = ? and d.state = 'sending' and d.id in (""" + in + ")")) {
                ps.setString(1, senderId);
                for (int i = 0; i < claims.size(); i++) {
                    ps.setLong(i + 2, claims.get(i).deliveryId());
                }
                Map<Long, Boolean> held = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        held.put(rs.getLong(1), "active".equals(rs.getString(2)));
                    }
                }
                return held;
            }
        });
    }
}
