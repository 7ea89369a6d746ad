package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.store.SqlValues;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/**
 * A claim looks for due retries and stale claims after the queued rows. In an edition of a
 * hundred thousand readers most rows are already sent by then: the look has to read only the
 * rows of the state it wants, not walk the whole edition each time (which took seconds per
 * claim, with the connections waiting, at the end of a large edition).
 */
class ClaimQueryTest {

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    static final LocalDate DATE = LocalDate.parse("2026-11-26");
    static final int READERS = 600;
    Paperboy paperboy;
    long editionId;

    @BeforeEach
    void anEditionMostlySent() {
        paperboy = Paperboy.open(TestSettings.in(dir).build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        for (int i = 0; i < READERS; i++) {
            paperboy.subscribers().addIfAbsent(EmailAddress.parse(String.format("reader%04d@example.org", i)),
                    SubscriberStatus.ACTIVE, Subscriber.Consent.byOperator(clock.instant(), "test"));
        }
        editionId = paperboy.sender().edition(DATE).id();
        // all sent but the first three readers': one deferred, due now, and two claimed by a sender that stopped
        paperboy.database().inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into deliveries (edition_id, subscriber_id, state, selection, digest_size, message_id,
                        attempts, claimed_by, claimed_at, next_attempt_at, updated_at)
                    select ?, s.id, case when s.id = (select min(id) from subscribers) then 'deferred'
                                         when s.id <= (select min(id) + 2 from subscribers) then 'sending'
                                         else 'sent' end,
                        'daily', 10, '<m' || s.id || '@example.org>', 1, 'gone', ?, ?, ?
                    from subscribers s""")) {
                ps.setLong(1, editionId);
                SqlValues.setInstant(ps, 2, clock.instant().minusSeconds(3600));
                SqlValues.setInstant(ps, 3, clock.instant().minusSeconds(60));
                SqlValues.setInstant(ps, 4, clock.instant().minusSeconds(3600));
                return ps.executeUpdate();
            }
        });
    }

    @AfterEach
    void close() {
        paperboy.close();
    }

    @Test
    void lookingForRetriesAndStaleClaimsReadsOnlyThoseRows() {
        assertThat(rowsRead("deferred")).as("rows read to find the deferred one").isLessThanOrEqualTo(2);
        assertThat(rowsRead("sending")).as("rows read to find the two stale claims").isLessThanOrEqualTo(3);
    }

    @Test
    void theClaimTakesTheDeferredRowAndTheStaleClaims() {
        ClaimRound round = paperboy.ledger().round(paperboy.editions().find(DATE).orElseThrow(), "sender-b", 10,
                "@example.org", false, clock.instant(), DueZones.EVERYONE, () -> true);
        paperboy.ledger().heartbeat("sender-b");
        assertThat(round.claim(50)).extracting(DeliveryLedger.Claim::attempts).containsExactly(2, 2, 2);
    }

    /** How many index entries the database reads to run the claim's query for {@code state}, from its plan. */
    private int rowsRead(String state) {
        return paperboy.database().withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("explain analyze " + ClaimRound.candidatesQuery(state))) {
                Instant now = clock.instant();
                ps.setLong(1, editionId);
                ps.setString(2, state);
                SqlValues.setInstant(ps, 3, now);
                ps.setBoolean(4, false);
                SqlValues.setInstant(ps, 5, now);
                ps.setString(6, "sender-b");
                SqlValues.setInstant(ps, 7, now.minusSeconds(300));
                ps.setInt(8, 50);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String plan = rs.getString(1);
                    // the outer tables' counts are indented once, deliveries' first; the lookups inside are deeper
                    Matcher scanned = Pattern.compile("(?m)^    /\\* scanCount: (\\d+) \\*/").matcher(plan);
                    assertThat(scanned.find()).as(plan).isTrue();
                    return Integer.parseInt(scanned.group(1));
                }
            }
        });
    }
}
