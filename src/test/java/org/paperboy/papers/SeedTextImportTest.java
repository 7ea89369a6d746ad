package org.paperboy.papers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SeedTextImportTest extends ImportTestBase {

    private static final String HEADER = "Get trending papers in your email inbox once a day!\n"
            + "Get trending papers in your email inbox!\n";

    // The page copy has 510 lines: two banner lines, then 254 title/abstract pairs (no blank
    // lines, duplicates or footer), so 254 papers.
    static final int SAMPLE_PAPERS = 254;

    @Test
    void bundledSampleGivesEveryPaperOfThePageInPageOrder() {
        ImportReport report = importer.importSample();

        assertThat(report.problems()).isEmpty();
        assertThat(report.inserted()).isEqualTo(SAMPLE_PAPERS);
        assertThat(repository.count()).isEqualTo(SAMPLE_PAPERS);
        List<Paper> papers = stored();
        assertThat(papers).extracting(Paper::sourceRank)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, SAMPLE_PAPERS).boxed().toList());
        Paper first = papers.get(0);
        assertThat(first.title()).isEqualTo("On the convergence of single-call stochastic extra-gradient methods");
        assertThat(first.summary()).startsWith("Variational inequalities have recently attracted");
        assertThat(first.source()).isEqualTo("sample");
        assertThat(first.authors()).isEmpty();
        assertThat(first.externalId()).matches("seed-[0-9a-f]{12}")
                .isEqualTo(PaperFields.titleId("seed-", "  ON the convergence of single-call\nstochastic "
                        + "extra-gradient methods "));
        assertThat(first.pageUrl())
                .startsWith("https://arxiv.org/search/?searchtype=title&query=On+the+convergence");
        assertThat(papers.get(SAMPLE_PAPERS - 1).title())
                .isEqualTo("Pre-trained Models for Natural Language Processing: A Survey");
    }

    @Test
    void importingTheSampleAgainUpdatesInsteadOfDuplicating() {
        importer.importSample();

        ImportReport again = importer.importSample();

        assertThat(again.inserted()).isZero();
        assertThat(again.updated()).isEqualTo(SAMPLE_PAPERS);
        assertThat(repository.count()).isEqualTo(SAMPLE_PAPERS);
    }

    @Test
    void aTruncatedPageReportsTheTitleLeftWithoutAbstract() throws Exception {
        Path file = write("truncated.txt", HEADER
                + "SubscribeFirst paper\nIts abstract.\nSecond paper\nIts abstract too.\nThird paper, cut off");

        ImportReport report = importer.importFiles(List.of(file), PaperFormat.SEED_TEXT);

        assertThat(report.inserted()).isEqualTo(2);
        assertThat(report.problems()).extracting(ImportProblem::toString).containsExactly(
                file + ":7: title 'Third paper, cut off' has no abstract line after it (truncated file?); skipped");
    }

    @Test
    void toleratesBlankLinesTrailingSpacesWindowsLineEndsAndARepeatedBanner() throws Exception {
        Path file = write("messy.txt", (HEADER + "\nSubscribe  First paper  \n\nIts abstract.   \n"
                + "Second paper\n  Its abstract too.\n\nGet trending papers in your email inbox!\n\n")
                .replace("\n", "\r\n"));

        ImportReport report = importer.importFiles(List.of(file), PaperFormat.SEED_TEXT);

        assertThat(report.problems()).isEmpty();
        assertThat(stored()).extracting(Paper::title, Paper::summary, Paper::sourceRank).containsExactly(
                tuple("First paper", "Its abstract.", 1),
                tuple("Second paper", "Its abstract too.", 2));
    }

    @Test
    void aParagraphWhereATitleShouldBeIsSkippedAndTheListResynchronises() throws Exception {
        String orphan = "An abstract whose title line went missing. ".repeat(10);
        Path file = write("orphan.txt", HEADER + "SubscribeFirst paper\nIts abstract.\n" + orphan + "\n"
                + "Second paper\nIts abstract too.\n");

        ImportReport report = importer.importFiles(List.of(file), PaperFormat.SEED_TEXT);

        assertThat(stored()).extracting(Paper::title).containsExactly("First paper", "Second paper");
        assertThat(report.problems()).singleElement()
                .satisfies(p -> assertThat(p.toString()).startsWith(file + ":5: expected a title, found a paragraph"));
    }
}
