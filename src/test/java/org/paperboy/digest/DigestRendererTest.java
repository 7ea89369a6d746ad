package org.paperboy.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.papers.Paper;
import org.paperboy.papers.RankedPaper;
import org.paperboy.templates.TemplateSet;
import org.paperboy.testing.SamplePapers;

class DigestRendererTest {

    static final Instant NOW = Instant.parse("2026-11-26T07:00:00Z");
    static final LocalDate DATE = LocalDate.parse("2026-11-26");

    @TempDir
    Path templatesDir;

    DigestRenderer renderer() {
        return new DigestRenderer(new TemplateSet(templatesDir),
                new Newsletter("Paperboy", URI.create("https://papers.example.org"), "1 Main St, Springfield"));
    }

    static Recipient reader() {
        return new Recipient("reader@example.org", "https://papers.example.org/unsubscribe?token=u.1",
                "https://papers.example.org/preferences?token=p.1");
    }

    static List<RankedPaper> ranked(List<Paper> papers) {
        List<RankedPaper> ranked = new ArrayList<>();
        for (int i = 0; i < papers.size(); i++) {
            ranked.add(new RankedPaper(i + 1, papers.get(i).withId(i + 1), 10.0 / (i + 1), "123 upvotes · #" + (i + 1)));
        }
        return ranked;
    }

    @Test
    void paperTextIsEscapedInTheHtmlPart() {
        Paper evil = SamplePapers.paper("2611.66666", "<script>alert('x')</script> & friends", 3, 0, 1, NOW);

        RenderedDigest digest = renderer().render(DATE, ranked(List.of(evil)), reader());

        assertThat(digest.html()).doesNotContain("<script>").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; friends");
        assertThat(digest.text()).contains("<script>alert('x')</script> & friends");
    }

    @Test
    void htmlStaysUnder100KilobytesAtTheLargestDigestSizeWithLongAbstracts() {
        List<Paper> papers = new ArrayList<>();
        for (Paper p : SamplePapers.ranked(25, NOW)) {
            String longAbstract = "Word ".repeat(2000);
            List<String> manyAuthors = new ArrayList<>();
            for (int a = 0; a < 40; a++) {
                manyAuthors.add("Author Number " + a);
            }
            papers.add(new Paper(null, p.externalId(), p.title() + " " + "with a very long title ".repeat(8),
                    longAbstract, "An AI summary. ".repeat(30), manyAuthors, p.keywords(), p.pageUrl(), p.pdfUrl(),
                    "https://github.com/example/" + p.externalId(), p.category(), p.publishedAt(), p.featuredAt(),
                    p.upvotes(), p.githubStars(), p.source(), p.sourceRank(), p.firstSeenAt()));
        }

        RenderedDigest digest = renderer().render(DATE, ranked(papers), reader());

        int bytes = digest.html().getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).isLessThan(DigestCheck.MAX_HTML_BYTES);
        assertThat(digest.html()).contains("Author Number 0, Author Number 1, Author Number 2 et al.");
    }

    @Test
    void textPartCarriesEveryPaperWithItsReasonAndLinks() {
        List<RankedPaper> ranked = ranked(SamplePapers.ranked(7, NOW));

        RenderedDigest digest = renderer().render(DATE, ranked, reader());

        for (RankedPaper r : ranked) {
            assertThat(digest.text()).contains(r.rank() + ". " + r.paper().title())
                    .contains(r.reason())
                    .contains("PDF:  " + r.paper().pdfUrl());
        }
        assertThat(digest.text()).contains("Unsubscribe: https://papers.example.org/unsubscribe?token=u.1",
                "1 Main St, Springfield", "View in browser: https://papers.example.org/editions/2026-11-26");
        assertThat(digest.subject()).isEqualTo("Paperboy · 26 Nov 2026: Paper number 1");
    }

    @Test
    void anAiSummaryIsAOneLineTldrAboveAShorterAbstract() {
        Paper base = SamplePapers.paper("2611.00042", "Summarised paper", 3, 0, 1, NOW);
        String abstractText = "Sentence of the abstract. ".repeat(40).strip();
        Paper summarised = new Paper(null, base.externalId(), base.title(), abstractText,
                "Ternary weights\n match full precision\tat a fraction of the cost.", base.authors(), base.keywords(),
                base.pageUrl(), base.pdfUrl(), null, base.category(), base.publishedAt(), base.featuredAt(),
                base.upvotes(), base.githubStars(), base.source(), base.sourceRank(), base.firstSeenAt());
        Paper plain = SamplePapers.paper("2611.00043", "Plain paper", 2, 0, 2, NOW);

        RenderedDigest digest = renderer().render(DATE, ranked(List.of(summarised, plain)), reader());

        String tldr = "TL;DR: Ternary weights match full precision at a fraction of the cost.";
        List<String> lines = digest.text().lines().toList();
        int at = lines.indexOf("   " + tldr);
        assertThat(at).as("the TL;DR line in the text part").isPositive();
        assertThat(lines.get(at + 1)).startsWith("   Sentence of the abstract.").endsWith("…")
                .hasSizeLessThanOrEqualTo(3 + PaperCard.SHORT_SUMMARY_LIMIT);
        assertThat(digest.text()).containsOnlyOnce("TL;DR:");
        String html = digest.html();
        assertThat(html).contains("<strong>TL;DR:</strong> <span>Ternary weights match full precision at a fraction of the cost.</span>");
        assertThat(html.indexOf("TL;DR:")).isLessThan(html.indexOf("Sentence of the abstract."));
        assertThat(html).containsOnlyOnce("TL;DR:");
        assertThat(PaperCard.of(ranked(List.of(plain)).get(0)).summary()).isEqualTo(plain.summary());
    }

    @Test
    void abstractIsCutAtAWordBoundary() {
        String cut = PaperCard.cutAtWord("alpha beta gamma delta epsilon", 17);

        assertThat(cut).isEqualTo("alpha beta gamma…");
        assertThat(PaperCard.cutAtWord("short", 17)).isEqualTo("short");
    }

    @Test
    void anOperatorTemplateOverridesTheBuiltInOne() throws Exception {
        java.nio.file.Files.writeString(templatesDir.resolve("digest.txt"), "Custom: [(${papers.size()})] papers for [(${email})]");

        RenderedDigest digest = renderer().render(DATE, ranked(SamplePapers.ranked(3, NOW)), reader());

        assertThat(digest.text()).isEqualTo("Custom: 3 papers for reader@example.org");
        assertThat(digest.html()).contains("Paper number 3"); // still the built-in HTML
    }

    @Test
    void anEditionsRendererKeepsTheTemplatesAsTheyWereWhenItWasMade() throws Exception {
        java.nio.file.Files.writeString(templatesDir.resolve("digest.txt"), "First: [(${papers.size()})] papers");
        DigestRenderer edition = renderer().frozen();
        List<RankedPaper> papers = ranked(SamplePapers.ranked(3, NOW));
        assertThat(edition.renderForReaders(DATE, papers).text()).isEqualTo("First: 3 papers");

        java.nio.file.Files.writeString(templatesDir.resolve("digest.txt"), "Edited: [(${papers.size()})] papers");

        // the rest of the edition goes out as it began; the next edition, and every preview, shows the edit
        assertThat(edition.renderForReaders(DATE, papers.subList(0, 2)).text()).isEqualTo("First: 2 papers");
        assertThat(renderer().frozen().renderForReaders(DATE, papers).text()).isEqualTo("Edited: 3 papers");
        assertThat(renderer().renderForReaders(DATE, papers).text()).isEqualTo("Edited: 3 papers");
    }

    @Test
    void anEditionsRendererShowsEachPaperAtItsPlaceInEveryReadersList() {
        List<RankedPaper> ranking = ranked(SamplePapers.ranked(5, NOW));
        DigestRenderer edition = renderer().frozen();
        // the same papers in other orders and with other reason lines, as readers' selections have them
        List<List<RankedPaper>> selections = List.of(ranking,
                List.of(new RankedPaper(1, ranking.get(3).paper(), ranking.get(3).score(), "matches robots · " + ranking.get(3).reason()),
                        new RankedPaper(2, ranking.get(0).paper(), ranking.get(0).score(), ranking.get(0).reason())),
                List.of(new RankedPaper(1, ranking.get(0).paper(), ranking.get(0).score(), "matches text · " + ranking.get(0).reason())));

        for (List<RankedPaper> selection : selections) {
            RenderedDigest cached = edition.renderForReaders(DATE, selection);
            RenderedDigest plain = renderer().renderForReaders(DATE, selection);
            assertThat(filled(cached.html(), cached.htmlSlots(), reader())).isEqualTo(filled(plain.html(), plain.htmlSlots(), reader()));
            assertThat(filled(cached.text(), cached.textSlots(), reader())).isEqualTo(filled(plain.text(), plain.textSlots(), reader()));
            assertThat(cached.subject()).isEqualTo(plain.subject());
        }
        assertThat(edition.renderForReaders(DATE, selections.get(1)).text()).contains("1. " + ranking.get(3).paper().title())
                .contains("matches robots · ").contains("2. " + ranking.get(0).paper().title());
    }

    @Test
    void aMarkersNonceIsDigitsOnlySoNoChangeOfCaseCanHideIt() {
        for (int i = 0; i < 200; i++) {
            String nonce = ReaderMarkers.avoiding(List.of()).nonce();
            assertThat(nonce).matches("[0-9]{" + ReaderMarkers.NONCE_DIGITS + "}");
            assertThat(nonce.toUpperCase(java.util.Locale.ROOT)).isEqualTo(nonce);
            assertThat(nonce.toLowerCase(java.util.Locale.ROOT)).isEqualTo(nonce);
        }
    }

    @Test
    void aTemplateThatShoutsAReadersValueAndDropsItsEndIsCaught() throws Exception {
        java.nio.file.Files.writeString(templatesDir.resolve("digest.html"),
                "<p th:text=\"${#strings.toUpperCase(#strings.substring(unsubscribeUrl, 0, #strings.length(unsubscribeUrl) - 1))}\">x</p>"
                        + "<p th:text=\"${email}\"></p><p th:text=\"${preferencesUrl}\"></p>", StandardCharsets.UTF_8);

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> renderer().renderForReaders(DATE, ranked(SamplePapers.ranked(2, NOW))))
                .isInstanceOf(org.paperboy.templates.TemplateException.class)
                .hasMessageContaining("digest.html").hasMessageContaining("${unsubscribeUrl}");
    }

    /** The body as one reader gets it: each slot filled with that reader's value. */
    static String filled(String body, List<RenderedDigest.Slot> slots, Recipient reader) {
        StringBuilder out = new StringBuilder();
        int last = 0;
        for (RenderedDigest.Slot slot : slots) {
            out.append(body, last, slot.at()).append(reader.asSlotValues().get(slot.name()));
            last = slot.end();
        }
        return out.append(body.substring(last)).toString();
    }

    @Test
    void renderedForReadersTheBodiesHoldSlotsWhereTheReadersValuesGoAndPaperTextMakesNone() {
        String forged = "Attention @@paperboy.email@@ pb0123456789abcdef0123456789abcdefemailx @@paperboy.x@@";
        Paper paper = SamplePapers.paper("2611.77777", forged, 3, 0, 1, NOW);

        RenderedDigest shared = renderer().renderForReaders(DATE, ranked(List.of(paper)));
        RenderedDigest own = renderer().render(DATE, ranked(List.of(paper)), reader());

        assertThat(shared.textSlots()).extracting(RenderedDigest.Slot::name)
                .containsExactly(Recipient.EMAIL, Recipient.PREFERENCES_URL, Recipient.UNSUBSCRIBE_URL);
        assertThat(shared.htmlSlots()).extracting(RenderedDigest.Slot::name)
                .contains(Recipient.EMAIL, Recipient.PREFERENCES_URL, Recipient.UNSUBSCRIBE_URL);
        assertThat(shared.text()).contains(forged).doesNotContain("reader@example.org");
        assertThat(filled(shared.text(), shared.textSlots(), reader())).isEqualTo(own.text());
        assertThat(filled(shared.html(), shared.htmlSlots(), reader())).isEqualTo(own.html());
    }

    @Test
    void aTemplateThatChangesAReadersValueCannotBeRenderedForReaders() throws Exception {
        java.nio.file.Files.writeString(templatesDir.resolve("digest.txt"),
                "[(${#strings.toUpperCase(email)})] [(${unsubscribeUrl})] [(${preferencesUrl})]\n", StandardCharsets.UTF_8);

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> renderer().renderForReaders(DATE, ranked(SamplePapers.ranked(2, NOW))))
                .isInstanceOf(org.paperboy.templates.TemplateException.class)
                .hasMessageContaining("digest.txt").hasMessageContaining("${email}");
    }
}
