package org.paperboy.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.paperboy.delivery.Edition;
import org.paperboy.delivery.EditionComposer;
import org.paperboy.delivery.EditionRepository;
import org.paperboy.digest.DigestRenderer;
import org.paperboy.digest.Recipient;
import org.paperboy.papers.RankedPaper;

/** The web view of sent editions ("view in browser") and their Atom feed. */
final class EditionPages {

    static final int FEED_ENTRIES = 30;
    private static final DateTimeFormatter SHORT_DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    private final EditionRepository editions;
    private final EditionComposer composer;
    private final DigestRenderer renderer;
    private final Pages pages;
    private final String listName;
    private final int size;

    EditionPages(EditionRepository editions, EditionComposer composer, DigestRenderer renderer, Pages pages,
                 String listName, int size) {
        this.editions = editions;
        this.composer = composer;
        this.renderer = renderer;
        this.pages = pages;
        this.listName = listName;
        this.size = size;
    }

    void register(RoutesConfig routes) {
        routes.get("/editions/{date}", this::edition);
        routes.get("/feed.xml", this::feed);
    }

    private void edition(Context ctx) {
        Edition edition = published(ctx.pathParam("date")).orElseThrow(() -> new Pages.Problem(404,
                "No edition on that date", "There is no digest for that date. The start page lists the recent ones."));
        // the web view has no reader: its footer links lead to the start page, which explains them
        Recipient reader = new Recipient("you", pages.base() + "/", pages.base() + "/");
        String html = renderer.render(edition.date(), daily(edition, size), reader).html();
        ctx.status(200).header("Cache-Control", "public, max-age=300").contentType("text/html; charset=UTF-8").result(html);
    }

    private Optional<Edition> published(String date) {
        return EditionDates.parse(date).flatMap(editions::find).filter(e -> e.status() != Edition.Status.FAILED);
    }

    private List<RankedPaper> daily(Edition edition, int limit) {
        List<RankedPaper> ranking = composer.rankings(edition).getOrDefault(Edition.Selection.DAILY, List.of());
        return ranking.subList(0, Math.min(limit, ranking.size()));
    }

    private void feed(Context ctx) {
        List<Edition> list = editions.list(FEED_ENTRIES).stream().filter(e -> e.status() != Edition.Status.FAILED).toList();
        String base = pages.base();
        Instant updated = list.isEmpty() ? Instant.EPOCH : updatedAt(list.get(0));
        StringBuilder xml = new StringBuilder(4096);
        xml.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        element(xml, "  ", "title", listName);
        element(xml, "  ", "id", base + "/feed.xml");
        xml.append("  <link rel=\"self\" type=\"application/atom+xml\" href=\"").append(xmlEscape(base + "/feed.xml")).append("\"/>\n");
        xml.append("  <link rel=\"alternate\" type=\"text/html\" href=\"").append(xmlEscape(base + "/")).append("\"/>\n");
        element(xml, "  ", "updated", updated.toString());
        xml.append("  <author><name>").append(xmlEscape(listName)).append("</name></author>\n");
        for (Edition edition : list) {
            String url = base + "/editions/" + edition.date();
            List<RankedPaper> papers = daily(edition, size);
            xml.append("  <entry>\n");
            element(xml, "    ", "title", listName + " · " + SHORT_DATE.format(edition.date())
                    + (papers.isEmpty() ? "" : ": " + papers.get(0).paper().title()));
            element(xml, "    ", "id", url);
            xml.append("    <link rel=\"alternate\" type=\"text/html\" href=\"").append(xmlEscape(url)).append("\"/>\n");
            element(xml, "    ", "updated", updatedAt(edition).toString());
            StringBuilder summary = new StringBuilder();
            for (RankedPaper p : papers) {
                summary.append(p.rank()).append(". ").append(p.paper().title()).append('\n');
            }
            xml.append("    <summary type=\"text\">").append(xmlEscape(summary.toString().strip())).append("</summary>\n");
            xml.append("  </entry>\n");
        }
        xml.append("</feed>\n");
        ctx.status(200).header("Cache-Control", "public, max-age=300")
                .contentType("application/atom+xml; charset=utf-8").result(xml.toString());
    }

    private static Instant updatedAt(Edition e) {
        return e.finishedAt() != null ? e.finishedAt() : e.startedAt() != null ? e.startedAt() : e.createdAt();
    }

    private static void element(StringBuilder xml, String indent, String name, String text) {
        xml.append(indent).append('<').append(name).append('>').append(xmlEscape(text)).append("</").append(name).append(">\n");
    }

    /** Escapes for XML text and attributes; drops characters XML 1.0 cannot carry. */
    static String xmlEscape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        if (c != 0xFFFE && c != 0xFFFF) {
                            out.append(c);
                        }
                    }
                }
            }
        }
        return out.toString();
    }
}
