package org.paperboy.papers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArxivAtomImportTest extends ImportTestBase {

    @Test
    void storesEveryFieldOfAnArxivEntry() {
        ImportReport report = importer.importFiles(List.of(fixture("arxiv-page-1.xml")), PaperFormat.ARXIV_ATOM);

        assertThat(report.inserted()).isEqualTo(3);
        assertThat(report.problems()).isEmpty();
        Paper odin = stored("2401.02416");
        assertThat(odin.title()).isEqualTo("ODIN: A Single Model for 2D and 3D Segmentation of Multi-View Scenes");
        assertThat(odin.summary()).isEqualTo("State-of-the-art models on contemporary 3D segmentation benchmarks like "
                + "ScanNet consume and label dataset-provided 3D point clouds, obtained through post processing of "
                + "sensed multiview RGB-D images.");
        assertThat(odin.authors()).containsExactly("Ayush Jain", "Pushkal Katara", "Katerina Fragkiadaki");
        assertThat(odin.publishedAt()).isEqualTo(Instant.parse("2024-01-04T18:59:58Z"));
        assertThat(odin.pageUrl()).isEqualTo("http://arxiv.org/abs/2401.02416v2");
        assertThat(odin.pdfUrl()).isEqualTo("http://arxiv.org/pdf/2401.02416v2");
        assertThat(odin.category()).isEqualTo("cs.CV");
        assertThat(odin.source()).isEqualTo("arxiv");
        assertThat(odin.sourceRank()).isNull();
        assertThat(odin.keywords()).isEmpty();
    }

    @Test
    void arxivPapersTrendFromWhenPaperboyFirstSawThem() {
        importer.importFiles(List.of(fixture("arxiv-page-1.xml")), PaperFormat.ARXIV_ATOM);

        Paper paper = stored("2401.02412");
        assertThat(paper.featuredAt()).isNull();
        assertThat(paper.trendingSince()).isEqualTo(NOW);
    }

    @Test
    void oldStyleIdsKeepTheirArchiveAndLoseTheirVersion() {
        importer.importFiles(List.of(fixture("arxiv-page-2.xml")), PaperFormat.ARXIV_ATOM);

        assertThat(stored()).extracting(Paper::externalId).containsExactly("2401.02330", "cs/9901002");
    }

    @Test
    void skipsEntriesWithoutIdOrTitleAndKeepsTheRest() {
        Path file = fixture("arxiv-malformed-entries.xml");

        ImportReport report = importer.importFiles(List.of(file), PaperFormat.ARXIV_ATOM);

        assertThat(report.problems()).extracting(ImportProblem::toString)
                .containsExactly(file + " entry 1: missing id", file + " entry 2: missing title");
        assertThat(report.inserted()).isEqualTo(1);
        assertThat(stored("2401.02002").authors()).containsExactly("Grace Hopper");
    }

    @Test
    void malformedXmlIsOneProblemWithItsLineAndNoPapers() throws Exception {
        Path broken = write("broken.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <feed xmlns="http://www.w3.org/2005/Atom">
                  <entry>
                    <id>http://arxiv.org/abs/2401.02416v2</id>
                    <title>Unclosed</titel>
                  </entry>
                </feed>
                """);

        ImportReport report = importer.importFiles(List.of(broken), PaperFormat.ARXIV_ATOM);

        assertThat(report.nothingImported()).isTrue();
        assertThat(report.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.location()).isEqualTo(broken + ":5");
            assertThat(problem.message()).startsWith("not well-formed XML: ").contains("\"title\"");
        });
    }

    @Test
    void anErrorReportedByTheArxivApiBecomesAProblem() {
        Path file = fixture("arxiv-error.xml");

        ImportReport report = importer.importFiles(List.of(file), PaperFormat.ARXIV_ATOM);

        assertThat(report.nothingImported()).isTrue();
        assertThat(report.problems()).extracting(ImportProblem::toString)
                .containsExactly(file + " entry 1: arXiv reported an error: incorrect id format for 1234.12345");
    }

    @Test
    void refusesDoctypesSoAFeedCannotReadLocalFiles() throws Exception {
        Path secret = write("secret.txt", "top secret");
        Path hostile = write("hostile.xml", """
                <?xml version="1.0"?>
                <!DOCTYPE feed [ <!ENTITY leak SYSTEM "%s"> ]>
                <feed xmlns="http://www.w3.org/2005/Atom">
                  <entry><id>http://arxiv.org/abs/2401.00001v1</id><title>&leak;</title></entry>
                </feed>
                """.formatted(secret.toUri()));

        ImportReport report = importer.importFiles(List.of(hostile), PaperFormat.ARXIV_ATOM);

        assertThat(report.nothingImported()).isTrue();
        assertThat(report.problems()).singleElement()
                .satisfies(problem -> assertThat(problem.message()).contains("DOCTYPE"));
    }
}
