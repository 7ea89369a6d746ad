package org.paperboy.delivery;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.paperboy.config.Settings;
import org.paperboy.papers.Paper;
import org.paperboy.papers.PaperRepository;
import org.paperboy.papers.TrendingRanker;
import org.paperboy.papers.RankedPaper;

/** Chooses the papers of a new edition: the day's ranking, and the week's for weekly subscribers. */
public final class EditionPlanner {

    /** The most papers any digest can hold; editions freeze this many. */
    public static final int MAX_PAPERS = Settings.Digest.MAX_SIZE;
    /**
     * The candidates an edition freezes per ranking: readers' topics pick from deeper than the top
     * of the ranking, and papers a reader already received are replaced from further down.
     */
    public static final int CANDIDATES = 100;

    private final PaperRepository papers;
    private final Settings.Ranking ranking;
    private final ZoneId zone;
    private final Clock clock;

    public EditionPlanner(PaperRepository papers, Settings.Ranking ranking, ZoneId zone, Clock clock) {
        this.papers = papers;
        this.ranking = ranking;
        this.zone = zone;
        this.clock = clock;
    }

    /** The date of today's edition in the newsletter's time zone. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), zone);
    }

    /**
     * The daily and weekly rankings as they stand now.
     *
     * @throws NothingToSendException when no paper is trending
     */
    public Map<Edition.Selection, List<RankedPaper>> chooseNow() {
        TrendingRanker daily = new TrendingRanker(ranking, clock);
        TrendingRanker weekly = new TrendingRanker(ranking.weekly(), clock);
        List<Paper> candidates = papers.trendingSince(
                daily.windowStart(Math.max(ranking.windowDays(), ranking.weekly().windowDays())));
        Map<Edition.Selection, List<RankedPaper>> chosen = new EnumMap<>(Edition.Selection.class);
        chosen.put(Edition.Selection.DAILY, daily.rank(candidates, CANDIDATES));
        chosen.put(Edition.Selection.WEEKLY, weekly.rank(candidates, CANDIDATES));
        if (chosen.get(Edition.Selection.DAILY).isEmpty()) {
            throw new NothingToSendException("no papers trending in the last " + ranking.windowDays()
                    + " days: import or fetch papers first");
        }
        return chosen;
    }
}
