package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentJournalTest {

    @TempDir
    Path dir;

    @Test
    void marksSurviveInTheFileAndALineCutShortByACrashIsIgnored() throws Exception {
        Instant at = Instant.parse("2026-11-26T07:00:00Z");
        SentJournal journal = SentJournal.open(dir, "4242@host-abc");
        journal.append(new SentMarks.Mark(7, "250 2.0.0 Ok:\tqueued\r\nas X", at));
        journal.append(new SentMarks.Mark(8, "250 Ok", at.plusSeconds(1)));
        // what a process killed in the middle of a write leaves behind
        Path file = SentJournal.othersFiles(dir, "someone-else").get(0);
        Files.writeString(file, "9\t17", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        List<SentMarks.Mark> read = SentJournal.read(file);

        assertThat(read).containsExactly(new SentMarks.Mark(7, "250 2.0.0 Ok: queued  as X", at),
                new SentMarks.Mark(8, "250 Ok", at.plusSeconds(1)));
        assertThat(SentJournal.ownerOf(file)).isEqualTo(SentJournal.fileSafe("4242@host-abc"));
        assertThat(SentJournal.othersFiles(dir, "4242@host-abc")).isEmpty();
    }

    @Test
    void rotatingHandsOverTheMarksOfTheClosedFileAndAnEmptyJournalLeavesNoFile() throws Exception {
        Instant at = Instant.parse("2026-11-26T07:00:00Z");
        SentJournal journal = SentJournal.open(dir, "sender-1");
        journal.append(new SentMarks.Mark(1, "250", at));

        SentJournal.Segment segment = journal.rotate();
        journal.append(new SentMarks.Mark(2, "250", at));
        SentJournal.Segment next = journal.rotate();
        Files.delete(segment.file());
        Files.delete(next.file());
        journal.close();

        assertThat(segment.marks()).extracting(SentMarks.Mark::deliveryId).containsExactly(1L);
        assertThat(next.marks()).extracting(SentMarks.Mark::deliveryId).containsExactly(2L);
        assertThat(segment.file()).isNotEqualTo(next.file());
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
