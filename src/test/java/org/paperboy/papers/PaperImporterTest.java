package org.paperboy.papers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaperImporterTest extends ImportTestBase {

    @Test
    void aMissingFileIsReportedAndTheOtherFilesStillImport() {
        Path missing = tempDir.resolve("nowhere.json");

        ImportReport report = importer.importFiles(List.of(missing, fixture("hf-daily-papers.json")),
                PaperFormat.HF_JSON);

        assertThat(report.problems()).containsExactly(new ImportProblem(missing.toString(), "no such file"));
        assertThat(report.inserted()).isEqualTo(4);
    }

    @Test
    void autoDetectsEachFileFormatByItsContent() throws Exception {
        Path seed = write("page.txt", "Get trending papers in your email inbox!\nSubscribeA seed paper\nAbstract.\n");
        Path hfWithoutExtension = write("daily", Files.readString(fixture("hf-daily-papers.json")));

        ImportReport report = importer.importFiles(List.of(hfWithoutExtension, fixture("arxiv-page-2.xml"),
                fixture("papers.jsonl"), seed), PaperFormat.AUTO);

        assertThat(report.problems()).isEmpty();
        // Mixtral (2401.04088) is both in the Hugging Face list and in the jsonl file.
        assertThat(report.inserted()).isEqualTo(4 + 2 + 2 + 1);
        assertThat(report.updated()).isEqualTo(1);
        assertThat(stored()).extracting(Paper::source).containsOnly("huggingface", "arxiv", "jsonl",
                "newsletter-picks", "sample");
    }

    @Test
    void reimportRefreshesSignalsAndLinksWithoutDuplicatingPapers() {
        importer.importFiles(List.of(fixture("hf-daily-papers.json")), PaperFormat.HF_JSON);

        ImportReport later = importer.importFiles(List.of(fixture("hf-daily-papers-later.json")), PaperFormat.HF_JSON);

        assertThat(later.inserted()).isZero();
        assertThat(later.updated()).isEqualTo(2);
        assertThat(repository.count()).isEqualTo(4);
        Paper mixtral = stored("2401.04088");
        assertThat(mixtral.upvotes()).isEqualTo(311);
        assertThat(mixtral.githubStars()).isEqualTo(9120);
        assertThat(mixtral.codeUrl()).isEqualTo("https://github.com/mistralai/mistral-src");
        assertThat(mixtral.sourceRank()).isEqualTo(1);
        assertThat(mixtral.firstSeenAt()).isEqualTo(NOW);
        assertThat(stored("2401.02954").upvotes()).isEqualTo(40);
    }

    @Test
    void aFileWithNothingUsableImportsNothing() throws Exception {
        Path empty = write("empty.jsonl", "\n\n");

        ImportReport report = importer.importFiles(List.of(empty), PaperFormat.AUTO);

        assertThat(report.nothingImported()).isTrue();
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void theSamePaperFromHuggingFaceAndArxivIsStoredOnce() {
        ImportReport report = importer.importFiles(List.of(fixture("hf-daily-papers.json"),
                fixture("arxiv-page-1.xml")), PaperFormat.AUTO);

        // TinyLlama (2401.02385) is on both lists.
        assertThat(report.inserted()).isEqualTo(6);
        assertThat(report.updated()).isEqualTo(1);
        Paper tinyLlama = stored("2401.02385");
        assertThat(tinyLlama.source()).isEqualTo("huggingface");
        assertThat(tinyLlama.category()).isEqualTo("cs.CL");
        assertThat(tinyLlama.upvotes()).isEqualTo(21);
    }
}
