package org.paperboy.papers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestPacerTest {

    private final SteppingClock clock = new SteppingClock(Instant.parse("2024-01-05T06:30:00Z"));
    private final RequestPacer pacer = new RequestPacer(Duration.ofSeconds(3), clock, clock);

    @Test
    void theFirstRequestGoesAtOnce() throws Exception {
        pacer.awaitTurn();

        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void waitsOnlyForWhatIsLeftOfTheInterval() throws Exception {
        pacer.awaitTurn();
        clock.advance(Duration.ofMillis(1200));

        pacer.awaitTurn();

        assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(1800));
    }

    @Test
    void doesNotWaitWhenTheIntervalHasAlreadyPassed() throws Exception {
        pacer.awaitTurn();
        clock.advance(Duration.ofSeconds(5));

        pacer.awaitTurn();

        assertThat(clock.sleeps()).isEmpty();
    }
}
