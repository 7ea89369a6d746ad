package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.SamplePapers;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** {@code /feed.xml} from the {@code feed.xml} template, checked as Atom (RFC 4287) with an XML parser. */
class AtomFeedTest extends WebTestBase {

    static final String ATOM = "http://www.w3.org/2005/Atom";
    /** RFC 3339 date-time: full date, 'T', time with optional fraction, Z or an offset. */
    static final String RFC_3339 = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})";

    final LocalDate today = LocalDate.parse("2026-11-26");

    @Test
    void feedIsValidAtomEvenWhenAPaperTitleCarriesMarkupCdataEndAndControlCharacters() throws Exception {
        String hostile = "<b>Fish & \"Chips\"</b> ]]> \u0000\u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFF end";
        web.paperboy.papers().upsert(List.of(SamplePapers.paper("2611.99999", hostile, 100_000, 50, 1,
                WebHarness.START.minus(Duration.ofMinutes(30)))));
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);
        web.clock.advance(Duration.ofDays(1));
        web.paperboy.sender().send(today.plusDays(1), SendMode.MANUAL, ProgressListener.NONE);

        HttpResponse<String> feed = web.get("/feed.xml");

        assertThat(feed.statusCode()).isEqualTo(200);
        assertThat(feed.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/atom+xml");
        Element root = parse(feed.body()).getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo(ATOM);
        assertThat(root.getLocalName()).isEqualTo("feed");
        assertThat(text(root, "id")).isEqualTo(web.base + "/feed.xml");
        assertThat(text(root, "title")).isNotBlank();
        assertThat(text(root, "updated")).matches(RFC_3339);
        List<Element> entries = children(root, "entry");
        assertThat(entries).hasSize(2);
        Set<String> ids = new HashSet<>();
        List<String> titles = new ArrayList<>();
        for (Element entry : entries) {
            ids.add(text(entry, "id"));
            titles.add(text(entry, "title"));
            assertThat(text(entry, "updated")).matches(RFC_3339);
            OffsetDateTime.parse(text(entry, "updated"));
            List<Element> links = children(entry, "link");
            assertThat(links).isNotEmpty();
            assertThat(links.get(0).getAttribute("href")).startsWith(web.base + "/editions/");
        }
        assertThat(ids).hasSize(entries.size());
        // the text survives exactly, minus the characters XML 1.0 cannot carry
        String expected = "<b>Fish & \"Chips\"</b> ]]>  end";
        assertThat(titles).allSatisfy(t -> assertThat(t).endsWith(": " + expected));
        assertThat(text(entries.get(0), "summary")).startsWith("1. " + expected);
        assertThat(feed.body()).doesNotContain("<b>", "]]>");
    }

    @Test
    void anEmptyFeedIsStillValidAtom() throws Exception {
        Element root = parse(web.get("/feed.xml").body()).getDocumentElement();

        assertThat(text(root, "id")).isEqualTo(web.base + "/feed.xml");
        assertThat(text(root, "updated")).matches(RFC_3339);
        assertThat(children(root, "entry")).isEmpty();
    }

    @Test
    void operatorsFeedTemplateReplacesTheBuiltInOne() throws Exception {
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);
        Path templates = dir.resolve("templates");
        Files.createDirectories(templates);
        Files.writeString(templates.resolve("feed.xml"), """
                <?xml version="1.0" encoding="utf-8"?>
                <feed xmlns="http://www.w3.org/2005/Atom" xmlns:th="http://www.thymeleaf.org">
                  <title th:text="'Our own ' + ${listName}">x</title>
                  <id th:text="${feedUrl}">x</id>
                  <updated th:text="${updated}">x</updated>
                  <entry th:each="entry : ${entries}"><id th:text="${entry.url}">x</id></entry>
                </feed>
                """);

        String body = web.get("/feed.xml").body();

        Element root = parse(body).getDocumentElement();
        assertThat(text(root, "title")).startsWith("Our own ");
        assertThat(text(children(root, "entry").get(0), "id")).isEqualTo(web.base + "/editions/2026-11-26");
        assertThat(body).doesNotContain("xmlns:th");
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ATOM.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    /** The text of the one required child {@code name}. */
    static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertThat(found).as("exactly one atom:" + name + " in atom:" + parent.getLocalName()).hasSize(1);
        return found.get(0).getTextContent();
    }
}
