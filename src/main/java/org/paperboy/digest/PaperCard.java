package org.paperboy.digest;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.paperboy.papers.Paper;
import org.paperboy.papers.RankedPaper;

/**
 * One paper as a template shows it: text already shortened, links resolved. Null fields are
 * unknown and templates leave them out.
 */
public record PaperCard(int rank, String title, String url, String authors, String date, String reason,
                        String summary, String aiSummary, String pdfUrl, String codeUrl, List<String> keywords,
                        double score) {

    static final int SUMMARY_LIMIT = 600;
    /** With a TL;DR above it, the abstract has less to say. */
    static final int SHORT_SUMMARY_LIMIT = 300;
    /** A TL;DR is one line. */
    static final int TLDR_LIMIT = 200;
    static final int MAX_AUTHORS_SHOWN = 3;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    public static PaperCard of(RankedPaper ranked) {
        Paper p = ranked.paper();
        String tldr = p.aiSummary() == null || p.aiSummary().isBlank() ? null : cutAtWord(p.aiSummary(), TLDR_LIMIT);
        return new PaperCard(ranked.rank(), p.title(), pageUrl(p), shortAuthors(p.authors()),
                p.publishedAt() == null ? null : DATE.format(p.publishedAt().atZone(ZoneOffset.UTC)),
                ranked.reason(), cutAtWord(p.summary(), tldr == null ? SUMMARY_LIMIT : SHORT_SUMMARY_LIMIT), tldr,
                p.pdfUrl(), p.codeUrl(), p.keywords(), ranked.score());
    }

    /** This card at {@code ranked}'s place in a list: its rank, reason line and score; the paper's own text as it is. */
    PaperCard ranked(RankedPaper ranked) {
        if (ranked.rank() == rank && ranked.score() == score && Objects.equals(ranked.reason(), reason)) {
            return this;
        }
        return new PaperCard(ranked.rank(), title, url, authors, date, ranked.reason(), summary, aiSummary, pdfUrl,
                codeUrl, keywords, ranked.score());
    }

    /** The card as templates read it; see {@link TemplateValues}. */
    Map<String, Object> templateValues() {
        return TemplateValues.of("rank", rank, "title", title, "url", url, "authors", authors, "date", date,
                "reason", reason, "summary", summary, "aiSummary", aiSummary, "pdfUrl", pdfUrl, "codeUrl", codeUrl,
                "keywords", keywords, "score", score);
    }

    /** Every text of this card a template can show: what a reader marker must not be found in. */
    void addTexts(List<String> texts) {
        texts.addAll(Arrays.asList(title, url, authors, date, reason, summary, aiSummary, pdfUrl, codeUrl));
        texts.addAll(keywords);
    }

    private static String pageUrl(Paper p) {
        if (p.pageUrl() != null) {
            return p.pageUrl();
        }
        if (p.pdfUrl() != null) {
            return p.pdfUrl();
        }
        return null;
    }

    static String shortAuthors(List<String> authors) {
        if (authors.isEmpty()) {
            return null;
        }
        if (authors.size() <= MAX_AUTHORS_SHOWN + 1) {
            return String.join(", ", authors);
        }
        return String.join(", ", authors.subList(0, MAX_AUTHORS_SHOWN)) + " et al.";
    }

    /** Cuts {@code text} to at most {@code limit} characters at a word boundary, adding an ellipsis. */
    static String cutAtWord(String text, int limit) {
        String clean = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        if (clean.length() <= limit) {
            return clean;
        }
        int cut = clean.lastIndexOf(' ', limit - 1);
        if (cut < limit / 2) {
            cut = limit - 1;
        }
        String head = clean.substring(0, cut).replaceAll("[\\s,;:.\\-]+$", "");
        return head + "…";
    }

}
