package org.paperboy.digest;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.paperboy.papers.RankedPaper;
import org.paperboy.templates.TemplateSet;

/** Renders a digest from {@code digest.html} and {@code digest.txt}. */
public final class DigestRenderer {

    public static final String HTML_TEMPLATE = "digest.html";
    public static final String TEXT_TEMPLATE = "digest.txt";
    static final int SUBJECT_TITLE_LIMIT = 90;

    private static final DateTimeFormatter LONG_DATE = DateTimeFormatter.ofPattern("EEEE, d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter SHORT_DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    private final TemplateSet templates;
    private final Newsletter newsletter;

    public DigestRenderer(TemplateSet templates, Newsletter newsletter) {
        this.templates = templates;
        this.newsletter = newsletter;
    }

    public Newsletter newsletter() {
        return newsletter;
    }

    public RenderedDigest render(LocalDate date, List<RankedPaper> papers, Recipient recipient) {
        List<PaperCard> cards = papers.stream().map(PaperCard::of).toList();
        String subject = subject(date, cards);
        Map<String, Object> vars = new HashMap<>();
        vars.put("newsletter", newsletter);
        vars.put("edition", new EditionInfo(date, LONG_DATE.format(date), newsletter.editionUrl(date), subject,
                preheader(cards)));
        vars.put("papers", cards);
        vars.put("email", recipient.email());
        vars.put("unsubscribeUrl", recipient.unsubscribeUrl());
        vars.put("preferencesUrl", recipient.preferencesUrl());
        String html = templates.render(HTML_TEMPLATE, vars);
        String text = templates.render(TEXT_TEMPLATE, vars);
        return new RenderedDigest(subject, html, text);
    }

    /** The edition as templates see it. */
    public record EditionInfo(LocalDate date, String dateText, String webUrl, String subject, String preheader) {
    }

    String subject(LocalDate date, List<PaperCard> cards) {
        String head = newsletter.name() + " · " + SHORT_DATE.format(date);
        if (cards.isEmpty()) {
            return head;
        }
        return head + ": " + PaperCard.cutAtWord(cards.get(0).title(), SUBJECT_TITLE_LIMIT);
    }

    private static String preheader(List<PaperCard> cards) {
        if (cards.isEmpty()) {
            return "No trending papers today.";
        }
        String lead = PaperCard.cutAtWord(cards.get(0).title(), 80);
        return cards.size() == 1 ? "Today's trending paper: " + lead
                : cards.size() + " trending papers today, led by " + lead;
    }
}
