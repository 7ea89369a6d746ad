package org.paperboy.papers;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads an arXiv API Atom feed. arXiv lists are search results, not trending lists, so the
 * papers carry no rank and no featured time: the ranker orders them by publication date, without a trend.
 */
final class ArxivAtomParser implements PaperParser {

    static final String SOURCE = "arxiv";
    static final String ATOM = "http://www.w3.org/2005/Atom";
    static final String ARXIV = "http://arxiv.org/schemas/atom";
    static final String OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/";

    private static final Pattern ABS_ID = Pattern.compile("^https?://(?:export\\.)?arxiv\\.org/abs/(.+?)(?:v\\d+)?$");

    /**
     * One page of results: {@code entries} counts every entry, the skipped ones too;
     * {@code apiError} is the error arXiv reported instead of results, or null.
     */
    record Page(ParsedPapers parsed, int entries, Integer totalResults, String apiError) {
    }

    @Override
    public ParsedPapers parse(String fileName, byte[] content) {
        return parsePage(fileName, content).parsed();
    }

    Page parsePage(String fileName, byte[] content) {
        ParsedPapers.Builder result = new ParsedPapers.Builder();
        Document document;
        try {
            document = newBuilder().parse(new ByteArrayInputStream(content));
        } catch (SAXParseException e) {
            String location = e.getLineNumber() > 0 ? fileName + ":" + e.getLineNumber() : fileName;
            result.problem(location, "not well-formed XML: " + PaperFields.firstLine(e.getMessage()));
            return new Page(result.build(), 0, null, null);
        } catch (SAXException | IOException e) {
            result.problem(fileName, "cannot be read as XML: " + PaperFields.firstLine(e.getMessage()));
            return new Page(result.build(), 0, null, null);
        }
        Element feed = document.getDocumentElement();
        if (!ATOM.equals(feed.getNamespaceURI()) || !"feed".equals(feed.getLocalName())) {
            result.problem(fileName, "expected an Atom <feed> from the arXiv API, found <" + feed.getTagName() + ">");
            return new Page(result.build(), 0, null, null);
        }
        List<Element> entries = children(feed, ATOM, "entry");
        String apiError = null;
        for (int i = 0; i < entries.size(); i++) {
            String location = fileName + " entry " + (i + 1);
            try {
                String error = apiError(entries.get(i));
                if (error != null) {
                    apiError = error;
                    result.problem(location, "arXiv reported an error: " + error);
                    continue;
                }
                result.add(paper(entries.get(i), location, result), location);
            } catch (BadRecordException e) {
                result.problem(location, e.getMessage());
            }
        }
        return new Page(result.build(), entries.size(), totalResults(feed), apiError);
    }

    private static Paper paper(Element entry, String location, ParsedPapers.Builder result) {
        String rawId = childText(entry, ATOM, "id");
        if (rawId == null) {
            throw new BadRecordException("missing id");
        }
        Matcher abs = ABS_ID.matcher(rawId);
        String id = PaperFields.externalId(abs.matches() ? abs.group(1) : rawId);
        if (PaperFields.collapse(childText(entry, ATOM, "title")) == null) {
            throw new BadRecordException("missing title");
        }
        List<String> authors = new ArrayList<>();
        for (Element author : children(entry, ATOM, "author")) {
            authors.add(childText(author, ATOM, "name"));
        }
        String pageUrl = null;
        String pdfUrl = null;
        for (Element link : children(entry, ATOM, "link")) {
            if ("pdf".equals(link.getAttribute("title"))) {
                pdfUrl = PaperFields.httpUrl(link.getAttribute("href"), "pdf link", w -> result.problem(location, w));
            } else if ("alternate".equals(link.getAttribute("rel"))) {
                pageUrl = PaperFields.httpUrl(link.getAttribute("href"), "alternate link",
                        w -> result.problem(location, w));
            }
        }
        Element primary = first(entry, ARXIV, "primary_category");
        String published = childText(entry, ATOM, "published");
        return new Paper(null, id,
                PaperFields.title(childText(entry, ATOM, "title")),
                PaperFields.summary(childText(entry, ATOM, "summary")),
                null,
                PaperFields.authors(authors),
                List.of(),
                pageUrl,
                pdfUrl,
                null,
                primary == null ? null : PaperFields.category(primary.getAttribute("term")),
                PaperFields.instant(published != null ? published : childText(entry, ATOM, "updated"), "published"),
                null,
                0,
                0,
                SOURCE,
                null,
                null);
    }

    /** arXiv answers a bad query with 200 and a single entry describing the error. */
    private static String apiError(Element entry) {
        String id = childText(entry, ATOM, "id");
        if (id == null || !id.contains("arxiv.org/api/errors")) {
            return null;
        }
        String summary = PaperFields.collapse(childText(entry, ATOM, "summary"));
        return summary != null ? summary : id;
    }

    private static Integer totalResults(Element feed) {
        String total = childText(feed, OPENSEARCH, "totalResults");
        try {
            return total == null ? null : Integer.valueOf(total.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A namespace-aware parser that refuses DOCTYPEs and external entities: the feed comes
     * from the network or a user's file, and XXE would let it read local files.
     */
    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // The default handler prints "[Fatal Error]" to stderr before throwing; we report instead.
            builder.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser lacks a required security feature", e);
        }
    }

    private static List<Element> children(Element parent, String namespace, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && namespace.equals(element.getNamespaceURI())
                    && name.equals(element.getLocalName())) {
                found.add(element);
            }
        }
        return found;
    }

    private static Element first(Element parent, String namespace, String name) {
        List<Element> found = children(parent, namespace, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static String childText(Element parent, String namespace, String name) {
        Element child = first(parent, namespace, name);
        if (child == null) {
            return null;
        }
        String text = child.getTextContent();
        return text == null || text.isBlank() ? null : text.strip();
    }
}
