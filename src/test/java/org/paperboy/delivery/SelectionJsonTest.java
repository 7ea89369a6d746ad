package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.paperboy.digest.PaperChooser;

/** The stored form of a selection, and the history's quick read of its paper ids. */
class SelectionJsonTest {

    @Test
    void theHistoryReadsThePaperIdsOfASelectionInOrderWhateverItsTopicsSay() {
        List<PaperChooser.Entry> entries = List.of(
                new PaperChooser.Entry(42, "robot \"paper\": 7 and {\"paper\":9}"),
                new PaperChooser.Entry(7, null),
                new PaperChooser.Entry(3_000_000_000L, "text"));
        String json = SelectionRepository.toJson(entries);

        assertThat(SelectionRepository.paperIds(json)).containsExactly(42, 7, 3_000_000_000L);
        assertThat(SelectionRepository.fromJson(json)).isEqualTo(entries);
        assertThat(SelectionRepository.paperIds("[]")).isEmpty();
        assertThat(SelectionRepository.paperIds("[{\"paper\":5,\"matches\":null}]")).containsExactly(5);
    }
}
