package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which readers are due which edition at an instant: the arithmetic the scheduler's tick relies on. */
class DeliveryMorningsTest {

    static final ZoneId UTC = ZoneId.of("UTC");
    static final ZoneId HONOLULU = ZoneId.of("Pacific/Honolulu");
    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
    static final ZoneId KIRITIMATI = ZoneId.of("Pacific/Kiritimati");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    final DeliveryMornings mornings = new DeliveryMornings(LocalTime.of(7, 0), UTC);

    @Test
    void atOneInstantEachZoneIsDueTheEditionOfItsOwnDateOrNoneBeforeItsMorning() {
        Instant t = Instant.parse("2026-03-01T17:00:00Z");

        assertThat(mornings.dueDate(KIRITIMATI, t)).contains(LocalDate.parse("2026-03-02"));
        assertThat(mornings.dueDate(HONOLULU, t)).contains(LocalDate.parse("2026-03-01"));
        assertThat(mornings.dueDate(UTC, t)).contains(LocalDate.parse("2026-03-01"));
        // 22:30 in Kolkata: its morning of 1 March passed, that of 2 March is still ahead
        assertThat(mornings.dueDate(KOLKATA, t)).contains(LocalDate.parse("2026-03-01"));
        assertThat(mornings.dueDate(KOLKATA, Instant.parse("2026-03-01T20:00:00Z"))).isEmpty();
        assertThat(mornings.datesDue(t, Set.of(KIRITIMATI, HONOLULU)))
                .containsExactly(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));
    }

    @Test
    void theDueReadersOfAnEditionAreTheZonesOnThatDatePastTheirMorning() {
        Instant t = Instant.parse("2026-03-02T02:00:00Z");
        Set<ZoneId> inUse = Set.of(HONOLULU, KOLKATA, KIRITIMATI);

        DueZones march2 = mornings.due(LocalDate.parse("2026-03-02"), t, inUse);
        assertThat(march2.names()).containsExactlyInAnyOrder("Asia/Kolkata", "Pacific/Kiritimati");
        assertThat(march2.unset()).as("UTC readers: 02:00, their morning is ahead").isFalse();
        assertThat(march2.sql()).isEqualTo(" and s.timezone in (?,?)");
        assertThat(mornings.due(LocalDate.parse("2026-03-01"), t, inUse).names()).containsExactly("Pacific/Honolulu");
        assertThat(mornings.due(LocalDate.parse("2026-03-03"), t, inUse).nobody()).isTrue();
        assertThat(mornings.morningsAhead(LocalDate.parse("2026-03-02"), t, inUse)).isTrue();
        assertThat(mornings.latestMorning(LocalDate.parse("2026-03-02"), inUse))
                .isEqualTo(Instant.parse("2026-03-02T17:00:00Z"));
    }

    @Test
    void aDeliveryTimeInTheSpringGapMovesForwardAndTheAutumnOverlapTakesTheFirstOne() {
        DeliveryMornings early = new DeliveryMornings(LocalTime.of(2, 30), UTC);

        assertThat(early.morning(LocalDate.parse("2026-03-29"), BERLIN)).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
        assertThat(early.morning(LocalDate.parse("2026-10-25"), BERLIN)).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
        assertThat(early.morning(LocalDate.parse("2026-03-28"), BERLIN)).isEqualTo(Instant.parse("2026-03-28T01:30:00Z"));
    }

    @Test
    void aRetryNeverReachesIntoTheReadersNextDay() {
        LocalDate date = LocalDate.parse("2026-03-02");

        // 07:00 + 18 h would be 01:00 the next day: the day's end comes first
        assertThat(mornings.deadline(date, KOLKATA, Duration.ofHours(18)))
                .isEqualTo(Instant.parse("2026-03-02T18:30:00Z"));
        assertThat(mornings.deadline(date, KOLKATA, Duration.ofHours(2)))
                .isEqualTo(Instant.parse("2026-03-02T03:30:00Z"));
        assertThat(DueZones.EVERYONE.sql()).isEmpty();
        assertThat(mornings.due(date, Instant.parse("2026-03-02T08:00:00Z"), List.of()).sql())
                .isEqualTo(" and s.timezone is null");
    }
}
