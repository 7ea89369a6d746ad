package org.paperboy.papers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.paperboy.config.Settings;
import org.paperboy.testing.SamplePapers;

class TrendingRankerTest {

    static final Instant NOW = Instant.parse("2026-11-26T07:00:00Z");
    static final Settings.Ranking WEIGHTS = new Settings.Ranking(1.5, 7, 1.0, 2.0, 50.0);
    final TrendingRanker ranker = new TrendingRanker(WEIGHTS, Clock.fixed(NOW, ZoneOffset.UTC));

    static Paper paper(String id, int upvotes, int stars, Integer rank, Duration age) {
        return SamplePapers.paper(id, "Paper " + id, upvotes, stars, rank, NOW.minus(age));
    }

    @Test
    void freshSignalsBeatOldOnesAndTheOrderIsExplained() {
        Paper fresh = paper("fresh", 50, 0, null, Duration.ofHours(2));
        Paper popularButOld = paper("old", 200, 0, null, Duration.ofDays(3));
        Paper starred = paper("starred", 10, 5000, null, Duration.ofHours(2));

        List<RankedPaper> ranking = ranker.rank(List.of(popularButOld, starred, fresh), 10);

        assertThat(ranking).extracting(r -> r.paper().externalId()).containsExactly("fresh", "starred", "old");
        assertThat(ranking).extracting(RankedPaper::rank).containsExactly(1, 2, 3);
        // 50 / (2 + 2)^1.5 = 6.25
        assertThat(ranking.get(0).score()).isCloseTo(6.25, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ranking.get(0).reason()).isEqualTo("50 upvotes · trending for 2 hours");
        assertThat(ranking.get(1).reason()).isEqualTo("10 upvotes · 5k GitHub stars · trending for 2 hours");
        assertThat(ranking.get(2).reason()).isEqualTo("200 upvotes · trending for 3 days");
    }

    @Test
    void sourceRankCountsWhenThereAreNoVotes() {
        Paper first = paper("first", 0, 0, 1, Duration.ofHours(1));
        Paper tenth = paper("tenth", 0, 0, 10, Duration.ofHours(1));

        List<RankedPaper> ranking = ranker.rank(List.of(tenth, first), 10);

        assertThat(ranking).extracting(r -> r.paper().externalId()).containsExactly("first", "tenth");
        assertThat(ranking.get(0).reason()).isEqualTo("#1 on Hugging Face daily papers · trending for 1 hour");
    }

    @Test
    void papersOutsideTheWindowAreLeftOut() {
        Paper inside = paper("inside", 1, 0, null, Duration.ofDays(6));
        Paper outside = paper("outside", 1000, 0, null, Duration.ofDays(8));

        assertThat(ranker.rank(List.of(inside, outside), 10)).extracting(r -> r.paper().externalId())
                .containsExactly("inside");
    }

    @Test
    void tiesAreBrokenTheSameWayEveryTime() {
        Paper b = paper("2611.00002", 10, 0, null, Duration.ofHours(3));
        Paper a = paper("2611.00001", 10, 0, null, Duration.ofHours(3));
        Paper c = paper("2611.00003", 10, 0, null, Duration.ofHours(3));

        assertThat(ranker.rank(List.of(c, a, b), 10)).extracting(r -> r.paper().externalId())
                .containsExactly("2611.00001", "2611.00002", "2611.00003");
        assertThat(ranker.rank(List.of(b, c, a), 2)).extracting(r -> r.paper().externalId())
                .containsExactly("2611.00001", "2611.00002");
    }

    /** A paper from the arXiv API: no upvotes, stars, rank or listing time; Paperboy first saw it an hour ago. */
    static Paper arxiv(String id, Duration sincePublished) {
        return new Paper(null, id, "Paper " + id, "Abstract.", null, List.of("Ada Lovelace"), List.of(),
                "https://arxiv.org/abs/" + id, "https://arxiv.org/pdf/" + id, null, "cs.LG",
                NOW.minus(sincePublished), null, 0, 0, "arxiv", null, NOW.minus(Duration.ofMinutes(30)));
    }

    @Test
    void papersWithoutATrendSignalComeNewestFirstAfterTheTrendingOnesAndClaimNoTrend() {
        Paper older = arxiv("2611.00001", Duration.ofDays(2));
        Paper newest = arxiv("2611.00003", Duration.ofHours(5));
        Paper middle = arxiv("2611.00002", Duration.ofDays(1));
        Paper trending = paper("hf", 3, 0, null, Duration.ofHours(2));

        List<RankedPaper> ranking = ranker.rank(List.of(older, trending, newest, middle), 10);

        assertThat(ranking).extracting(r -> r.paper().externalId())
                .containsExactly("hf", "2611.00003", "2611.00002", "2611.00001");
        assertThat(ranking.subList(1, 4)).extracting(RankedPaper::reason)
                .containsExactly("new on arXiv, published 5 hours ago", "new on arXiv, published 24 hours ago",
                        "new on arXiv, published 2 days ago")
                .allSatisfy(reason -> assertThat(reason).doesNotContain("trending"));
    }

    @Test
    void theWeeklyRankingIgnoresAge() {
        TrendingRanker weekly = new TrendingRanker(WEIGHTS.weekly(), Clock.fixed(NOW, ZoneOffset.UTC));
        Paper fresh = paper("fresh", 50, 0, null, Duration.ofHours(2));
        Paper popularButOld = paper("old", 200, 0, null, Duration.ofDays(3));

        assertThat(weekly.rank(List.of(fresh, popularButOld), 10)).extracting(r -> r.paper().externalId())
                .containsExactly("old", "fresh");
    }
}
