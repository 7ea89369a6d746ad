package org.paperboy.papers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonlImportTest extends ImportTestBase {

    @Test
    void storesEveryFieldOfALine() {
        ImportReport report = importer.importFiles(List.of(fixture("papers.jsonl")), PaperFormat.JSONL);

        assertThat(report.inserted()).isEqualTo(3);
        assertThat(report.problems()).isEmpty();
        Paper mixtral = stored("2401.04088");
        assertThat(mixtral.title()).isEqualTo("Mixtral of Experts");
        assertThat(mixtral.summary()).startsWith("We introduce Mixtral 8x7B");
        assertThat(mixtral.aiSummary()).isEqualTo("Two of eight experts per token.");
        assertThat(mixtral.authors()).containsExactly("Albert Q. Jiang", "Alexandre Sablayrolles");
        assertThat(mixtral.keywords()).containsExactly("mixture of experts", "sparse models");
        assertThat(mixtral.pageUrl()).isEqualTo("https://huggingface.co/papers/2401.04088");
        assertThat(mixtral.pdfUrl()).isEqualTo("https://arxiv.org/pdf/2401.04088");
        assertThat(mixtral.codeUrl()).isEqualTo("https://github.com/mistralai/mistral-src");
        assertThat(mixtral.category()).isEqualTo("cs.LG");
        assertThat(mixtral.publishedAt()).isEqualTo(Instant.parse("2024-01-08T18:47:34Z"));
        assertThat(mixtral.featuredAt()).isEqualTo(Instant.parse("2024-01-09T02:12:10Z"));
        assertThat(mixtral.upvotes()).isEqualTo(152);
        assertThat(mixtral.githubStars()).isEqualTo(9120);
        assertThat(mixtral.source()).isEqualTo("newsletter-picks");
        assertThat(mixtral.sourceRank()).isEqualTo(1);
    }

    @Test
    void optionalFieldsHaveDefaultsAndArxivIdsAreNormalised() {
        importer.importFiles(List.of(fixture("papers.jsonl")), PaperFormat.JSONL);

        Paper gemini = stored("2312.11805");
        assertThat(gemini.publishedAt()).isEqualTo(Instant.parse("2023-12-19T00:00:00Z"));
        assertThat(gemini.source()).isEqualTo("jsonl");
        assertThat(gemini.sourceRank()).isNull();
        assertThat(gemini.summary()).isEmpty();
        assertThat(gemini.authors()).isEmpty();
        assertThat(stored("lab-note-7").upvotes()).isEqualTo(4);
    }

    @Test
    void reportsBadLinesWithTheirLineNumbersAndKeepsTheRest() {
        Path file = fixture("papers-with-errors.jsonl");

        ImportReport report = importer.importFiles(List.of(file), PaperFormat.JSONL);

        assertThat(report.inserted()).isEqualTo(2);
        assertThat(stored()).extracting(Paper::externalId).containsExactly("2401.00001", "2401.00005");
        assertThat(report.problems()).extracting(ImportProblem::location).containsExactly(
                file + ":2", file + ":3", file + ":4", file + ":5", file + ":6", file + ":6");
        assertThat(report.problems()).extracting(ImportProblem::message).satisfiesExactly(
                m -> assertThat(m).startsWith("not valid JSON: "),
                m -> assertThat(m).isEqualTo("missing id"),
                m -> assertThat(m).startsWith("published_at 'last tuesday' is not an ISO-8601 date or instant"),
                m -> assertThat(m).isEqualTo("upvotes must be an integer of at least 0, found \"many\""),
                m -> assertThat(m).isEqualTo("unknown field 'pubished_at' ignored"),
                m -> assertThat(m).startsWith("url ignored: not an absolute http(s) URL"));
        assertThat(stored("2401.00005").pageUrl()).isNull();
    }

    @Test
    void aRepeatedIdInOneFileKeepsTheFirst() throws Exception {
        Path file = write("twice.jsonl", """
                {"id": "2401.00001", "title": "First"}
                {"id": "2401.00001v2", "title": "Second"}
                """);

        ImportReport report = importer.importFiles(List.of(file), PaperFormat.JSONL);

        assertThat(report.inserted()).isEqualTo(1);
        assertThat(stored("2401.00001").title()).isEqualTo("First");
        assertThat(report.problems()).extracting(ImportProblem::toString)
                .containsExactly(file + ":2: duplicate id 2401.00001 (first at " + file + ":1), skipped");
    }
}
