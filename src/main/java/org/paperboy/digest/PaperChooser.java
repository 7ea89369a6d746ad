package org.paperboy.digest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.paperboy.papers.RankedPaper;

/**
 * Chooses one reader's papers from an edition's ranking: the papers that match their topics first,
 * then the rest of the ranking, leaving out what they already received.
 *
 * <p>Among the matching papers the order is a blend of relevance and trend:
 *
 * <pre>
 *   blend = topicWeight × relevance / best relevance  +  trendingWeight × trending score / best trending score
 * </pre>
 *
 * where relevance is the sum of the paper's BM25 scores for each of the reader's topics, "best"
 * means the highest among the edition's candidates, and both weights are settings. Each distinct
 * topic set is ordered once per edition and kept (the matching papers only: the rest is the
 * ranking's own order).
 */
public final class PaperChooser {

    /** The two weights of the blend. */
    public record Weights(double topic, double trending) {
    }

    private final List<RankedPaper> ranking;
    private final Weights weights;
    private final TopicMatcher matcher;
    private final double bestTrend;
    private final Map<String, Matched[]> byTopicSet = new ConcurrentHashMap<>();

    /** A candidate chosen for its topics: its position in the ranking and the topics it matches. */
    private record Matched(int position, String topics) {
    }

    public PaperChooser(List<RankedPaper> ranking, Weights weights) {
        this.ranking = List.copyOf(ranking);
        this.weights = weights;
        this.matcher = new TopicMatcher(this.ranking);
        this.bestTrend = this.ranking.stream().mapToDouble(RankedPaper::score).max().orElse(0);
    }

    /** The ranking the papers are chosen from, best first. */
    public List<RankedPaper> ranking() {
        return ranking;
    }

    /**
     * Up to {@code size} papers for a reader with {@code topics} who already received the papers
     * with the ids in {@code received}, renumbered from 1; papers matching a topic say so in their
     * reason line.
     */
    public Selection choose(Collection<String> topics, Set<Long> received, int size) {
        List<RankedPaper> chosen = new ArrayList<>(size);
        List<Entry> entries = new ArrayList<>(size);
        boolean[] taken = new boolean[ranking.size()];
        int leftOut = 0;
        for (Matched m : matches(topics)) {
            if (chosen.size() >= size) {
                break;
            }
            RankedPaper candidate = ranking.get(m.position());
            taken[m.position()] = true;
            if (received.contains(candidate.paper().id())) {
                leftOut++;
                continue;
            }
            chosen.add(entry(chosen.size() + 1, candidate, m.topics()));
            entries.add(new Entry(candidate.paper().id(), m.topics()));
        }
        int matching = chosen.size();
        for (int i = 0; i < ranking.size() && chosen.size() < size; i++) {
            RankedPaper candidate = ranking.get(i);
            if (taken[i]) {
                continue;
            }
            if (received.contains(candidate.paper().id())) {
                leftOut++;
                continue;
            }
            chosen.add(entry(chosen.size() + 1, candidate, null));
            entries.add(new Entry(candidate.paper().id(), null));
        }
        return new Selection(List.copyOf(chosen), List.copyOf(entries), matching, leftOut);
    }

    /** A paper of a selection as stored: its id and the topics it matched (null: none). */
    public record Entry(long paperId, String matches) {
    }

    /**
     * A stored selection as the reader received it, from the ranking it was chosen from; papers
     * no longer in the ranking are left out.
     */
    public static List<RankedPaper> rebuild(List<RankedPaper> ranking, List<Entry> entries) {
        Map<Long, RankedPaper> byId = new HashMap<>();
        ranking.forEach(r -> byId.put(r.paper().id(), r));
        List<RankedPaper> papers = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            RankedPaper candidate = byId.get(e.paperId());
            if (candidate != null) {
                papers.add(entry(papers.size() + 1, candidate, e.matches()));
            }
        }
        return List.copyOf(papers);
    }

    private static final String MATCHES = "matches ";
    private static final String SEPARATOR = " · ";

    private static RankedPaper entry(int rank, RankedPaper candidate, String matches) {
        return new RankedPaper(rank, candidate.paper(), candidate.score(),
                matches == null ? candidate.reason() : MATCHES + matches + SEPARATOR + candidate.reason());
    }


    /** The papers {@code topics} pick, in blend order; cached per distinct topic set. */
    private Matched[] matches(Collection<String> topics) {
        if (topics.isEmpty()) {
            return new Matched[0];
        }
        TreeSet<String> distinct = new TreeSet<>();
        topics.forEach(t -> {
            String n = TopicMatcher.normalise(t);
            if (!n.isEmpty()) {
                distinct.add(n);
            }
        });
        return byTopicSet.computeIfAbsent(String.join("\n", distinct), key -> order(distinct));
    }

    private Matched[] order(Set<String> topics) {
        double[] relevance = new double[ranking.size()];
        // the topic that scores highest on a paper is named first in its reason line
        Map<Integer, Map<String, Float>> named = new HashMap<>();
        for (String topic : topics) {
            TopicMatcher.Hits hits = matcher.hits(topic);
            for (int i = 0; i < hits.positions().length; i++) {
                int p = hits.positions()[i];
                relevance[p] += hits.scores()[i];
                named.computeIfAbsent(p, k -> new HashMap<>()).put(topic, hits.scores()[i]);
            }
        }
        double best = 0;
        for (double r : relevance) {
            best = Math.max(best, r);
        }
        if (best <= 0) {
            return new Matched[0];
        }
        List<Integer> matching = new ArrayList<>(named.keySet());
        double[] blend = new double[ranking.size()];
        for (int p : matching) {
            blend[p] = weights.topic() * relevance[p] / best
                    + (bestTrend > 0 ? weights.trending() * ranking.get(p).score() / bestTrend : 0);
        }
        matching.sort((a, b) -> blend[a] != blend[b] ? Double.compare(blend[b], blend[a]) : Integer.compare(a, b));
        Matched[] result = new Matched[matching.size()];
        for (int i = 0; i < result.length; i++) {
            int p = matching.get(i);
            result[i] = new Matched(p, label(named.get(p)));
        }
        return result;
    }

    /** The one or two topics that score highest on a paper, best first (plain loops: this runs per matching paper). */
    private static String label(Map<String, Float> scores) {
        String best = null;
        String second = null;
        for (Map.Entry<String, Float> e : scores.entrySet()) {
            if (best == null || better(e, best, scores)) {
                second = best;
                best = e.getKey();
            } else if (second == null || better(e, second, scores)) {
                second = e.getKey();
            }
        }
        return second == null ? best : best + " and " + second;
    }

    private static boolean better(Map.Entry<String, Float> e, String than, Map<String, Float> scores) {
        int byScore = Float.compare(e.getValue(), scores.get(than));
        return byScore > 0 || (byScore == 0 && e.getKey().compareTo(than) < 0);
    }

    /**
     * One reader's papers. {@code matching} of them (the first) match the reader's topics;
     * {@code leftOut} candidates were passed over because the reader already received them.
     */
    public record Selection(List<RankedPaper> papers, List<Entry> entries, int matching, int leftOut) {

        /**
         * Whether this is too little to send: fewer than {@code minPapers} papers, and the reader
         * already received what would have filled it (or nothing is left at all). A short ranking
         * still goes to readers who have seen none of it.
         */
        public boolean nothingNew(int minPapers) {
            return papers.isEmpty() || (papers.size() < minPapers && leftOut > 0);
        }
    }
}
