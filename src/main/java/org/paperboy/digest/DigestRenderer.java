package org.paperboy.digest;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.paperboy.papers.RankedPaper;
import org.paperboy.templates.TemplateSet;

/** Renders a digest from {@code digest.html} and {@code digest.txt}. */
public final class DigestRenderer {

    public static final String HTML_TEMPLATE = "digest.html";
    public static final String TEXT_TEMPLATE = "digest.txt";
    static final int SUBJECT_TITLE_LIMIT = 90;

    private static final DateTimeFormatter LONG_DATE = DateTimeFormatter.ofPattern("EEEE, d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter SHORT_DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    /** The subject line when none is configured. */
    public static final String DEFAULT_SUBJECT = "{name} · {date}: {title}";

    private final TemplateSet templates;
    private final Newsletter newsletter;
    /** {@link #newsletter} as templates read it. */
    private final Map<String, Object> newsletterValues;
    private final String subjectFormat;
    /** Each paper's card as first shown, by paper id; null unless the renderer is {@link #frozen()}. */
    private final Map<Long, PaperCard> cards;

    public DigestRenderer(TemplateSet templates, Newsletter newsletter, String subjectFormat) {
        this(templates, newsletter, subjectFormat, null);
    }

    private DigestRenderer(TemplateSet templates, Newsletter newsletter, String subjectFormat,
                           Map<Long, PaperCard> cards) {
        this.templates = templates;
        this.newsletter = newsletter;
        this.newsletterValues = newsletter.templateValues();
        this.subjectFormat = subjectFormat;
        this.cards = cards;
    }

    public DigestRenderer(TemplateSet templates, Newsletter newsletter) {
        this(templates, newsletter, DEFAULT_SUBJECT);
    }

    public Newsletter newsletter() {
        return newsletter;
    }

    /**
     * A renderer for the many digests of one edition: the templates as they are now, each read once
     * ({@link TemplateSet#frozen()}), and each paper's card made once (its papers do not change
     * during the edition; only its rank and reason line differ from one reader's list to another).
     */
    public DigestRenderer frozen() {
        return cards != null ? this
                : new DigestRenderer(templates.frozen(), newsletter, subjectFormat, new ConcurrentHashMap<>());
    }

    private List<PaperCard> cards(List<RankedPaper> papers) {
        List<PaperCard> result = new ArrayList<>(papers.size());
        for (RankedPaper ranked : papers) {
            Long id = ranked.paper().id();
            if (cards == null || id == null) {
                result.add(PaperCard.of(ranked));
            } else {
                result.add(cards.computeIfAbsent(id, k -> PaperCard.of(ranked)).ranked(ranked));
            }
        }
        return List.copyOf(result);
    }

    /** The digest for one reader, their values rendered in place: previews and the web view. */
    public RenderedDigest render(LocalDate date, List<RankedPaper> papers, Recipient recipient) {
        List<PaperCard> cards = cards(papers);
        EditionInfo edition = edition(date, cards);
        Map<String, Object> vars = variables(edition, cards);
        putReader(vars, recipient);
        return new RenderedDigest(edition.subject(), templates.render(HTML_TEMPLATE, vars),
                templates.render(TEXT_TEMPLATE, vars));
    }

    /**
     * The digest rendered once for every reader of the same papers: the bodies hold no reader's
     * values, and their slots say where each goes. The places are recorded while rendering, so no
     * paper text can add or move one.
     *
     * @throws org.paperboy.templates.TemplateException when a template does not render, or
     *         changes a reader's value instead of showing it
     */
    public RenderedDigest renderForReaders(LocalDate date, List<RankedPaper> papers) {
        List<PaperCard> cards = cards(papers);
        EditionInfo edition = edition(date, cards);
        Map<String, Object> vars = variables(edition, cards);
        ReaderMarkers markers = ReaderMarkers.avoiding(texts(edition, cards));
        putReader(vars, markers.recipient());
        String html = templates.render(HTML_TEMPLATE, vars);
        String text = templates.render(TEXT_TEMPLATE, vars);
        return new RenderedDigest(edition.subject(), html, text, markers.slots(templates.describe(HTML_TEMPLATE), html),
                markers.slots(templates.describe(TEXT_TEMPLATE), text));
    }

    private EditionInfo edition(LocalDate date, List<PaperCard> cards) {
        return new EditionInfo(date, LONG_DATE.format(date), newsletter.editionUrl(date), subject(date, cards),
                preheader(cards));
    }

    private Map<String, Object> variables(EditionInfo edition, List<PaperCard> cards) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("newsletter", newsletterValues);
        vars.put("edition", edition.templateValues());
        vars.put("papers", cards.stream().map(PaperCard::templateValues).toList());
        return vars;
    }

    /** All the text a template can show besides the reader's values. */
    private List<String> texts(EditionInfo edition, List<PaperCard> cards) {
        List<String> texts = new ArrayList<>(cards.size() * 16 + 10);
        texts.addAll(Arrays.asList(newsletter.name(), newsletter.baseUrl().toString(), newsletter.postalAddress(),
                newsletter.accentColor(), newsletter.logoUrl(), newsletter.intro(), edition.dateText(),
                edition.webUrl(), edition.subject(), edition.preheader()));
        cards.forEach(card -> card.addTexts(texts));
        return texts;
    }

    private static void putReader(Map<String, Object> vars, Recipient recipient) {
        vars.put("email", recipient.email());
        vars.put("unsubscribeUrl", recipient.unsubscribeUrl());
        vars.put("preferencesUrl", recipient.preferencesUrl());
    }

    /** The edition as templates see it. */
    public record EditionInfo(LocalDate date, String dateText, String webUrl, String subject, String preheader) {
        Map<String, Object> templateValues() {
            return TemplateValues.of("date", date, "dateText", dateText, "webUrl", webUrl, "subject", subject,
                    "preheader", preheader);
        }
    }

    /** The subject line from the configured format; without papers, the part from {title} on is dropped. */
    String subject(LocalDate date, List<PaperCard> cards) {
        String format = subjectFormat;
        if (cards.isEmpty()) {
            int title = format.indexOf("{title}");
            format = title < 0 ? format : format.substring(0, title).replaceAll("[\\s:·,;-]+$", "");
        }
        return format.replace("{name}", newsletter.name())
                .replace("{date}", SHORT_DATE.format(date))
                .replace("{count}", Integer.toString(cards.size()))
                .replace("{title}", cards.isEmpty() ? "" : PaperCard.cutAtWord(cards.get(0).title(), SUBJECT_TITLE_LIMIT))
                .replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
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
