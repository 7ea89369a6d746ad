package org.paperboy.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.paperboy.papers.Paper;

/** Papers with known signals, for tests that need a ranking. */
public final class SamplePapers {

    private SamplePapers() {
    }

    public static Paper paper(String id, String title, int upvotes, int stars, Integer rank, Instant featuredAt) {
        return new Paper(null, id, title, "Abstract of " + title + ". It studies things carefully and at length.",
                null, List.of("Ada Lovelace", "Alan Turing"), List.of("learning"), "https://huggingface.co/papers/" + id,
                "https://arxiv.org/pdf/" + id, stars > 0 ? "https://github.com/example/" + id : null, "cs.LG",
                featuredAt.minus(Duration.ofDays(2)), featuredAt, upvotes, stars, "huggingface", rank, featuredAt);
    }

    /** {@code count} papers featured an hour before {@code now}, ranked 1..count by upvotes. */
    public static List<Paper> ranked(int count, Instant now) {
        List<Paper> papers = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            papers.add(paper("2611." + String.format("%05d", i), "Paper number " + i, 500 - i * 10, i * 7, i,
                    now.minus(Duration.ofHours(1))));
        }
        return papers;
    }
}
