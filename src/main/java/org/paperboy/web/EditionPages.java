package org.paperboy.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.paperboy.delivery.Edition;
import org.paperboy.delivery.EditionComposer;
import org.paperboy.delivery.EditionRepository;
import org.paperboy.digest.DigestRenderer;
import org.paperboy.digest.Recipient;
import org.paperboy.papers.RankedPaper;
import org.paperboy.templates.TemplateSet;

/** The web view of sent editions ("view in browser") and their Atom feed, both served from the {@link RenderCache}. */
final class EditionPages {

    static final int FEED_ENTRIES = 30;
    static final String FEED_TEMPLATE = "feed.xml";
    private static final DateTimeFormatter SHORT_DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    private final TemplateSet templates;
    private final RenderCache cache;
    private final EditionRepository editions;
    private final EditionComposer composer;
    private final DigestRenderer renderer;
    private final Pages pages;
    private final String listName;
    private final int size;

    EditionPages(TemplateSet templates, RenderCache cache, EditionRepository editions, EditionComposer composer,
                 DigestRenderer renderer, Pages pages, String listName, int size) {
        this.templates = templates;
        this.cache = cache;
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
        String date = ctx.pathParam("date");
        cache.serve(ctx, "edition " + date, () -> new RenderCache.Page(editionHtml(date), "text/html; charset=UTF-8",
                "public, max-age=300"));
    }

    private String editionHtml(String date) {
        Edition edition = published(date).orElseThrow(() -> new Pages.Problem(404,
                "No edition on that date", "There is no digest for that date. The start page lists the recent ones."));
        // the web view has no reader: its footer links lead to the start page, which explains them
        Recipient reader = new Recipient("you", pages.base() + "/", pages.base() + "/");
        return renderer.render(edition.date(), daily(edition, size), reader).html();
    }

    private Optional<Edition> published(String date) {
        return EditionDates.parse(date).flatMap(editions::find).filter(e -> e.status() != Edition.Status.FAILED);
    }

    private List<RankedPaper> daily(Edition edition, int limit) {
        List<RankedPaper> ranking = composer.rankings(edition).getOrDefault(Edition.Selection.DAILY, List.of());
        return ranking.subList(0, Math.min(limit, ranking.size()));
    }

    private void feed(Context ctx) {
        cache.serve(ctx, "feed", () -> new RenderCache.Page(feedXml(), "application/atom+xml; charset=utf-8",
                "public, max-age=300"));
    }

    /** The feed from {@code templates/feed.xml} (XML mode: every value escaped, characters XML cannot carry dropped). */
    String feedXml() {
        List<Edition> list = editions.list(FEED_ENTRIES).stream().filter(e -> e.status() != Edition.Status.FAILED).toList();
        String base = pages.base();
        List<FeedEntry> entries = new ArrayList<>();
        for (Edition edition : list) {
            List<FeedPaper> papers = daily(edition, size).stream()
                    .map(p -> new FeedPaper(p.rank(), p.paper().title(), p.paper().pageUrl())).toList();
            String summary = papers.stream().map(p -> p.rank() + ". " + p.title()).collect(Collectors.joining("\n"));
            entries.add(new FeedEntry(base + "/editions/" + edition.date(), edition.date(),
                    SHORT_DATE.format(edition.date()), rfc3339(updatedAt(edition)), papers, summary));
        }
        return templates.render(FEED_TEMPLATE, feedValues(listName, base,
                list.isEmpty() ? Instant.EPOCH : updatedAt(list.get(0)), entries));
    }

    /** What {@code feed.xml} is given; {@code templates check} renders it with sample entries. */
    static Map<String, Object> feedValues(String listName, String base, Instant updated, List<FeedEntry> entries) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("listName", listName);
        vars.put("feedUrl", base + "/feed.xml");
        vars.put("homeUrl", base + "/");
        vars.put("updated", rfc3339(updated));
        vars.put("entries", entries);
        return vars;
    }

    /** One edition in the feed, as {@code feed.xml} sees it. */
    public record FeedEntry(String url, LocalDate date, String dateLabel, String updated, List<FeedPaper> papers,
                            String summary) {
    }

    /** One paper of a feed entry. */
    public record FeedPaper(int rank, String title, String url) {
    }

    /** RFC 3339 in UTC to the second, as Atom's date constructs want it. */
    static String rfc3339(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static Instant updatedAt(Edition e) {
        return e.finishedAt() != null ? e.finishedAt() : e.startedAt() != null ? e.startedAt() : e.createdAt();
    }
}
