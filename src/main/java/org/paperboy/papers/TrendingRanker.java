package org.paperboy.papers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.paperboy.config.Settings;

/**
 * Ranks papers by a time-decayed blend of their signals, in the manner of Hacker News'
 * gravity formula:
 *
 * <pre>
 *   points = upvotes × w_upvotes + ln(1 + stars) × w_stars + w_rank / source_rank
 *   score  = points / (age_hours + 2) ^ gravity
 * </pre>
 *
 * Only papers that started trending within the window take part. Ties are broken by
 * recency (publication date, newest first), then upvotes, then stars, then external id, so the
 * same data always gives the same order. Papers without any trend signal (the arXiv API gives
 * no upvotes, stars, rank or listing time) all score 0: they come after the trending ones,
 * newest first, and their reason says when they were published rather than claim a trend.
 */
public final class TrendingRanker {

    private final Settings.Ranking weights;
    private final Clock clock;

    public TrendingRanker(Settings.Ranking weights, Clock clock) {
        this.weights = weights;
        this.clock = clock;
    }

    /** The earliest trending time that still counts for a window of {@code days}. */
    public Instant windowStart(int days) {
        return clock.instant().minus(Duration.ofDays(days));
    }

    public Instant windowStart() {
        return windowStart(weights.windowDays());
    }

    /** The top {@code limit} of {@code candidates}, best first. */
    public List<RankedPaper> rank(List<Paper> candidates, int limit) {
        Instant now = clock.instant();
        Instant start = windowStart();
        record Scored(Paper paper, double score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (Paper paper : candidates) {
            Instant since = paper.trendingSince();
            if (since != null && since.isBefore(start)) {
                continue;
            }
            scored.add(new Scored(paper, score(paper, now)));
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed()
                .thenComparing(s -> recency(s.paper()), Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(s -> s.paper().upvotes(), Comparator.reverseOrder())
                .thenComparing(s -> s.paper().githubStars(), Comparator.reverseOrder())
                .thenComparing(s -> s.paper().externalId()));
        List<RankedPaper> ranked = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, scored.size()); i++) {
            Scored s = scored.get(i);
            ranked.add(new RankedPaper(i + 1, s.paper(), s.score(), reason(s.paper(), now)));
        }
        return List.copyOf(ranked);
    }

    double score(Paper paper, Instant now) {
        double points = paper.upvotes() * weights.upvoteWeight()
                + Math.log1p(paper.githubStars()) * weights.starWeight()
                + (paper.sourceRank() == null ? 0 : weights.sourceRankWeight() / paper.sourceRank());
        return points / Math.pow(ageHours(paper, now) + 2, weights.gravity());
    }

    private static double ageHours(Paper paper, Instant now) {
        Instant since = paper.trendingSince();
        if (since == null || since.isAfter(now)) {
            return 0;
        }
        return Duration.between(since, now).toMinutes() / 60.0;
    }

    /** When a paper appeared: its publication date, or when it started trending if unknown. */
    private static Instant recency(Paper paper) {
        return paper.publishedAt() != null ? paper.publishedAt() : paper.trendingSince();
    }

    /** Whether a source said anything about the paper's popularity (the arXiv API does not). */
    static boolean hasTrendSignal(Paper paper) {
        return paper.upvotes() > 0 || paper.githubStars() > 0 || paper.sourceRank() != null || paper.featuredAt() != null;
    }

    /** "Why it is trending": the signals behind the score, in words; for a paper without any, when it was published. */
    static String reason(Paper paper, Instant now) {
        if (!hasTrendSignal(paper)) {
            Instant published = paper.publishedAt();
            return "new on " + sourceName(paper.source()) + (published == null || published.isAfter(now) ? ""
                    : ", published " + age(Duration.between(published, now)) + " ago");
        }
        List<String> parts = new ArrayList<>();
        if (paper.upvotes() > 0) {
            parts.add(paper.upvotes() + (paper.upvotes() == 1 ? " upvote" : " upvotes"));
        }
        if (paper.githubStars() > 0) {
            parts.add(compact(paper.githubStars()) + " GitHub stars");
        }
        if (paper.sourceRank() != null) {
            parts.add("#" + paper.sourceRank() + " on " + sourceName(paper.source()));
        }
        Instant since = paper.trendingSince();
        if (since != null && !since.isAfter(now)) {
            parts.add("trending for " + age(Duration.between(since, now)));
        }
        if (parts.isEmpty()) {
            return "new on " + sourceName(paper.source());
        }
        return String.join(" · ", parts);
    }

    static String sourceName(String source) {
        return switch (source) {
            case "huggingface" -> "Hugging Face daily papers";
            case "arxiv" -> "arXiv";
            case "sample" -> "the sample trending list";
            default -> source;
        };
    }

    private static String compact(int n) {
        if (n < 1000) {
            return Integer.toString(n);
        }
        return String.format(Locale.ROOT, "%.1fk", n / 1000.0).replace(".0k", "k");
    }

    private static String age(Duration d) {
        long hours = d.toHours();
        if (hours < 1) {
            return "under an hour";
        }
        if (hours < 48) {
            return hours + (hours == 1 ? " hour" : " hours");
        }
        return d.toDays() + " days";
    }
}
