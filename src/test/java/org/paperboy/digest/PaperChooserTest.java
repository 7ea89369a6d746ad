package org.paperboy.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.paperboy.config.SettingsLoader;
import org.paperboy.papers.Paper;
import org.paperboy.papers.PaperImporter;
import org.paperboy.papers.RankedPaper;
import org.paperboy.papers.TrendingRanker;

/** Topic matching on the bundled sample's real titles and abstracts. */
class PaperChooserTest {

    private static final PaperChooser.Weights WEIGHTS = new PaperChooser.Weights(0.7, 0.3);
    private static final Instant NOW = Instant.parse("2026-11-20T07:00:00Z");

    /** The sample papers ranked as an edition would freeze them. */
    private static List<RankedPaper> ranking() {
        List<Paper> papers = new ArrayList<>();
        long id = 1;
        for (Paper p : PaperImporter.samplePapers()) {
            papers.add(new Paper(id++, p.externalId(), p.title(), p.summary(), p.aiSummary(), p.authors(), p.keywords(),
                    p.pageUrl(), p.pdfUrl(), p.codeUrl(), p.category(), p.publishedAt(), NOW.minusSeconds(3600),
                    p.upvotes(), p.githubStars(), p.source(), p.sourceRank(), NOW.minusSeconds(3600)));
        }
        return new TrendingRanker(SettingsLoader.fromMap(java.util.Map.of()).ranking(), Clock.fixed(NOW, ZoneOffset.UTC))
                .rank(papers, papers.size());
    }

    private static String text(RankedPaper r) {
        return (r.paper().title() + " " + r.paper().summary()).toLowerCase(Locale.ROOT);
    }

    @Test
    void pluralTopicFindsPapersThatSayTheSingularAndPutsThemFirst() {
        List<RankedPaper> ranking = ranking();
        List<RankedPaper> singularOnly = ranking.stream()
                .filter(r -> text(r).contains("robot") && !text(r).contains("robots")).toList();
        assertThat(singularOnly).isNotEmpty();

        PaperChooser.Selection chosen = new PaperChooser(ranking, WEIGHTS).choose(List.of("Robots"), Set.of(), 10);

        int robotPapers = (int) ranking.stream().filter(r -> text(r).matches("(?s).*\\brobots?\\b.*")).count();
        assertThat(robotPapers).isEqualTo(3);
        assertThat(chosen.matching()).isEqualTo(robotPapers);
        List<RankedPaper> matching = chosen.papers().subList(0, chosen.matching());
        assertThat(matching).allMatch(r -> text(r).contains("robot"));
        assertThat(matching).extracting(r -> r.paper().id())
                .containsAll(singularOnly.stream().map(r -> r.paper().id()).toList());
        // the rest is the general ranking, in its order, without the papers already shown
        List<RankedPaper> rest = chosen.papers().subList(chosen.matching(), 10);
        assertThat(rest).noneMatch(r -> text(r).matches("(?s).*\\brobots?\\b.*"));
        assertThat(rest.get(0).paper().id()).isEqualTo(ranking.stream()
                .filter(r -> !text(r).matches("(?s).*\\brobots?\\b.*")).findFirst().orElseThrow().paper().id());
        assertThat(chosen.papers()).extracting(RankedPaper::rank).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void matchingPaperSaysWhichTopicItMatchesAndKeepsItsTrendingSignals() {
        List<RankedPaper> ranking = ranking();
        PaperChooser.Selection chosen = new PaperChooser(ranking, WEIGHTS)
                .choose(List.of("Stock price prediction"), Set.of(), 5);

        RankedPaper first = chosen.papers().get(0);
        assertThat(first.paper().title()).isEqualTo("Stock Prices Prediction using Deep Learning Models");
        RankedPaper general = ranking.stream().filter(r -> r.paper().id().equals(first.paper().id())).findFirst().orElseThrow();
        assertThat(first.reason()).isEqualTo("matches stock price prediction · " + general.reason());
        assertThat(general.reason()).contains("on the sample trending list");
        assertThat(chosen.papers().get(chosen.matching()).reason()).doesNotContain("matches");
    }

    @Test
    void theWordsAsAPhraseOutscoreTheSameWordsApart() {
        RankedPaper real = ranking().stream()
                .filter(r -> r.paper().summary().contains("knowledge distillation")).findFirst().orElseThrow();
        // the same real abstract twice: once as written, once with the phrase broken up
        String apart = real.paper().summary().replace("knowledge distillation", "distillation of what the teacher knows")
                .replace("Knowledge distillation", "Distillation of what the teacher knows")
                .replace("knowledge", "knowledge (what the teacher knows)");
        Paper together = copy(real.paper(), 1L, real.paper().summary());
        Paper scattered = copy(real.paper(), 2L, apart + " Its knowledge is kept.");
        assertThat(scattered.summary()).doesNotContainIgnoringCase("knowledge distillation").containsIgnoringCase("distillation");
        List<RankedPaper> pool = List.of(new RankedPaper(1, scattered, 1, "r"), new RankedPaper(2, together, 1, "r"));

        TopicMatcher.Hits hits = new TopicMatcher(pool).hits("Knowledge Distillation");

        assertThat(hits.positions()).containsExactly(1, 0);
        assertThat(hits.scores()[0]).isGreaterThan(hits.scores()[1] * 1.5f);
    }

    @Test
    void noTopicsOrNoMatchGiveTheGeneralList() {
        List<RankedPaper> ranking = ranking();
        PaperChooser chooser = new PaperChooser(ranking, WEIGHTS);
        List<Long> general = ranking.subList(0, 10).stream().map(r -> r.paper().id()).toList();

        for (List<String> topics : List.of(List.<String>of(), List.of("quantum chromodynamics lattice"), List.of("the"))) {
            PaperChooser.Selection chosen = chooser.choose(topics, Set.of(), 10);
            assertThat(chosen.matching()).as("topics %s", topics).isZero();
            assertThat(chosen.papers()).extracting(r -> r.paper().id()).containsExactlyElementsOf(general);
            assertThat(chosen.papers()).extracting(RankedPaper::reason)
                    .containsExactlyElementsOf(ranking.subList(0, 10).stream().map(RankedPaper::reason).toList());
        }
    }

    @Test
    void papersAlreadyReceivedAreLeftOutAndTooFewNewOnesSendNothing() {
        List<RankedPaper> ranking = ranking();
        PaperChooser chooser = new PaperChooser(ranking, WEIGHTS);
        List<RankedPaper> top = ranking.subList(0, 3);
        Set<Long> received = Set.of(top.get(0).paper().id(), top.get(2).paper().id());

        PaperChooser.Selection chosen = chooser.choose(List.of(), received, 3);

        assertThat(chosen.papers()).extracting(r -> r.paper().id())
                .containsExactly(top.get(1).paper().id(), ranking.get(3).paper().id(), ranking.get(4).paper().id());
        assertThat(chosen.leftOut()).isEqualTo(2);

        List<RankedPaper> shortRanking = ranking.subList(0, 4);
        PaperChooser small = new PaperChooser(shortRanking, WEIGHTS);
        assertThat(small.choose(List.of(), received, 10).nothingNew(3)).isTrue();
        // a short ranking still goes to a reader who has seen none of it
        assertThat(small.choose(List.of(), Set.of(), 10).nothingNew(3)).isFalse();
        assertThat(small.choose(List.of(), Set.of(), 2).nothingNew(3)).isFalse();
    }

    private static Paper copy(Paper p, long id, String summary) {
        return new Paper(id, p.externalId() + id, "A study", summary, null, List.of(), List.of(), null, null, null,
                null, null, null, 0, 0, "sample", null, null);
    }
}
