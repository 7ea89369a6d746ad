package org.paperboy.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.paperboy.config.Settings;
import org.paperboy.delivery.EditionPlanner;
import org.paperboy.digest.PaperChooser;
import org.paperboy.papers.PaperRepository;
import org.paperboy.papers.RankedPaper;
import org.paperboy.papers.TrendingRanker;

/**
 * Which of the papers trending now a reader's topics would pick: shown under the topics field of
 * the preferences page, so a reader sees the effect before saving.
 */
final class TopicPreview {

    /** Papers listed at most. */
    static final int SHOWN = 5;
    /** How long one index of the current papers serves previews: building it per request would invite floods. */
    static final Duration REUSE = Duration.ofMinutes(1);

    private final PaperRepository papers;
    private final Settings.Ranking ranking;
    private final PaperChooser.Weights weights;
    private final Clock clock;
    private PaperChooser chooser;
    private Instant builtAt;

    TopicPreview(PaperRepository papers, Settings.Ranking ranking, Settings.Choosing choosing, Clock clock) {
        this.papers = papers;
        this.ranking = ranking;
        this.weights = new PaperChooser.Weights(choosing.topicWeight(), choosing.trendingWeight());
        this.clock = clock;
    }

    /** The papers that match {@code topics}, best first; empty without topics or matches. */
    List<RankedPaper> picks(List<String> topics) {
        if (topics.isEmpty()) {
            return List.of();
        }
        PaperChooser.Selection chosen = current().choose(topics, Set.of(), SHOWN);
        return chosen.papers().subList(0, chosen.matching());
    }

    private synchronized PaperChooser current() {
        Instant now = clock.instant();
        if (chooser == null || builtAt.plus(REUSE).isBefore(now)) {
            TrendingRanker ranker = new TrendingRanker(ranking, clock);
            chooser = new PaperChooser(ranker.rank(papers.trendingSince(ranker.windowStart()), EditionPlanner.CANDIDATES),
                    weights);
            builtAt = now;
        }
        return chooser;
    }
}
