package org.paperboy.papers;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A research paper as Paperboy knows it. {@code externalId} is the key across sources (the
 * arXiv id where there is one); {@code id} is null until the paper is stored.
 *
 * <p>{@code featuredAt} is when a source put the paper on its trending list (null when it
 * did not say); {@code sourceRank} is its 1-based position there (null when unranked).
 */
public record Paper(
        Long id,
        String externalId,
        String title,
        String summary,
        String aiSummary,
        List<String> authors,
        List<String> keywords,
        String pageUrl,
        String pdfUrl,
        String codeUrl,
        String category,
        Instant publishedAt,
        Instant featuredAt,
        int upvotes,
        int githubStars,
        String source,
        Integer sourceRank,
        Instant firstSeenAt) {

    public Paper {
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(source, "source");
        summary = summary == null ? "" : summary;
        authors = authors == null ? List.of() : List.copyOf(authors);
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
    }

    /** When the paper started trending as far as Paperboy can tell. */
    public Instant trendingSince() {
        if (featuredAt != null) {
            return featuredAt;
        }
        return firstSeenAt != null ? firstSeenAt : publishedAt;
    }

    public Paper withId(long newId) {
        return new Paper(newId, externalId, title, summary, aiSummary, authors, keywords, pageUrl, pdfUrl,
                codeUrl, category, publishedAt, featuredAt, upvotes, githubStars, source, sourceRank, firstSeenAt);
    }
}
