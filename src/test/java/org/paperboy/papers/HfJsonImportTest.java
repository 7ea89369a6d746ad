package org.paperboy.papers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HfJsonImportTest extends ImportTestBase {

    @Test
    void storesEveryFieldOfADailyPapersItem() {
        ImportReport report = importer.importFiles(List.of(fixture("hf-daily-papers.json")), PaperFormat.HF_JSON);

        assertThat(report.inserted()).isEqualTo(4);
        assertThat(report.problems()).isEmpty();
        Paper deepseek = stored("2401.02954");
        assertThat(deepseek.title()).isEqualTo("DeepSeek LLM: Scaling Open-Source Language Models with Longtermism");
        assertThat(deepseek.summary()).startsWith("The rapid development of open-source large language models (LLMs) "
                + "has been truly remarkable. However,").doesNotContain("\n");
        assertThat(deepseek.aiSummary()).startsWith("DeepSeek LLM studies scaling laws");
        assertThat(deepseek.authors()).containsExactly("DeepSeek-AI", "Xiao Bi", "Deli Chen");
        assertThat(deepseek.keywords()).containsExactly("scaling laws", "large language models", "DeepSeek LLM",
                "supervised fine-tuning", "direct preference optimization");
        assertThat(deepseek.pageUrl()).isEqualTo("https://huggingface.co/papers/2401.02954");
        assertThat(deepseek.pdfUrl()).isEqualTo("https://arxiv.org/pdf/2401.02954");
        assertThat(deepseek.codeUrl()).isEqualTo("https://github.com/deepseek-ai/DeepSeek-LLM");
        assertThat(deepseek.publishedAt()).isEqualTo(Instant.parse("2024-01-05T01:20:45Z"));
        assertThat(deepseek.featuredAt()).isEqualTo(Instant.parse("2024-01-05T01:58:47.066Z"));
        assertThat(deepseek.upvotes()).isEqualTo(38);
        assertThat(deepseek.githubStars()).isEqualTo(6512);
        assertThat(deepseek.source()).isEqualTo("huggingface");
        assertThat(deepseek.sourceRank()).isEqualTo(1);
        assertThat(deepseek.firstSeenAt()).isEqualTo(NOW);
    }

    @Test
    void ranksItemsInTheOrderTheApiServedThem() {
        importer.importFiles(List.of(fixture("hf-daily-papers.json")), PaperFormat.HF_JSON);

        assertThat(stored()).extracting(Paper::externalId, Paper::sourceRank).containsExactly(
                tuple("2401.02954", 1),
                tuple("2401.04088", 2),
                tuple("2401.01335", 3),
                tuple("2401.02385", 4));
    }

    @Test
    void featuredTimeIsWhenThePaperWasSubmittedToTheDailyList() {
        importer.importFiles(List.of(fixture("hf-daily-papers.json")), PaperFormat.HF_JSON);

        Paper spin = stored("2401.01335");
        assertThat(spin.featuredAt()).isEqualTo(Instant.parse("2024-01-03T01:31:02.119Z"));
        assertThat(spin.keywords()).isEmpty();
        assertThat(spin.aiSummary()).isNull();
        assertThat(stored("2401.04088").codeUrl()).isNull();
    }

    @Test
    void aPaperTrendsFromWhenItWasListedOnTheDailyPageNotFromItsPublicationDates() {
        // three different dates: the arXiv submission (paper.publishedAt), the item's publishedAt, and the
        // moment the paper was put on the daily page (paper.submittedOnDailyAt), four weeks after the first
        importer.importFiles(List.of(fixture("hf-daily-papers-dates.json")), PaperFormat.HF_JSON);

        Paper bitnet = stored("2402.17764");
        assertThat(bitnet.featuredAt()).isEqualTo(Instant.parse("2024-02-28T01:25:43.134Z"));
        assertThat(bitnet.trendingSince()).isEqualTo(Instant.parse("2024-02-28T01:25:43.134Z"));
        assertThat(bitnet.publishedAt()).isEqualTo(Instant.parse("2024-02-01T18:56:20Z"));
        Instant threeHoursLater = Instant.parse("2024-02-28T04:30:00Z");
        List<RankedPaper> ranking = new TrendingRanker(new org.paperboy.config.Settings.Ranking(1.5, 7, 1.0, 2.0, 50.0),
                java.time.Clock.fixed(threeHoursLater, java.time.ZoneOffset.UTC)).rank(List.of(bitnet), 10);
        assertThat(ranking).singleElement().extracting(RankedPaper::reason)
                .isEqualTo("607 upvotes · #1 on Hugging Face daily papers · trending for 3 hours");
    }

    @Test
    void skipsItemsWithoutIdOrTitleAndKeepsTheRest() {
        Path file = fixture("hf-daily-papers-malformed.json");

        ImportReport report = importer.importFiles(List.of(file), PaperFormat.HF_JSON);

        assertThat(report.inserted()).isEqualTo(1);
        assertThat(report.problems()).extracting(ImportProblem::toString).containsExactly(
                file + "[0]: missing paper.id",
                file + "[1]: missing paper.title",
                file + "[2]: paper.githubRepo ignored: not an absolute http(s) URL of at most 1000 characters: "
                        + "javascript:alert(1)");
        Paper kept = stored("2401.03002");
        assertThat(kept.sourceRank()).isEqualTo(3);
        assertThat(kept.codeUrl()).isNull();
    }

    @Test
    void reportsInvalidJsonWithItsLineAndStoresNothingFromThatFile() throws Exception {
        Path broken = write("broken.json", "[\n  {\"paper\": {\"id\": \"2401.1\",\n  \"title\": }\n]\n");

        ImportReport report = importer.importFiles(List.of(broken, fixture("hf-daily-papers.json")),
                PaperFormat.HF_JSON);

        assertThat(report.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.location()).isEqualTo(broken + ":3");
            assertThat(problem.message()).startsWith("not valid JSON: Unexpected character ('}'");
        });
        assertThat(report.inserted()).isEqualTo(4);
    }

    @Test
    void anErrorObjectInsteadOfTheArrayIsOneProblem() throws Exception {
        Path error = write("error.json", "{\"error\": \"Invalid date\"}");

        ImportReport report = importer.importFiles(List.of(error), PaperFormat.HF_JSON);

        assertThat(report.nothingImported()).isTrue();
        assertThat(report.problems()).extracting(ImportProblem::toString)
                .containsExactly(error + ": expected a JSON array of daily papers, found object: Invalid date");
    }
}
