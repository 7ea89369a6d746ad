package org.paperboy.papers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Paperboy's own format: one JSON object per line, described in docs/papers-and-digest.md. */
final class JsonlPaperParser implements PaperParser {

    static final String DEFAULT_SOURCE = "jsonl";

    private static final Set<String> FIELDS = Set.of("id", "title", "summary", "ai_summary", "authors", "keywords",
            "url", "pdf_url", "code_url", "category", "published_at", "featured_at", "upvotes", "github_stars",
            "source", "source_rank");

    private final ObjectMapper json;

    JsonlPaperParser(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public ParsedPapers parse(String fileName, byte[] content) {
        ParsedPapers.Builder result = new ParsedPapers.Builder();
        String[] lines = PaperFields.stripBom(new String(content, StandardCharsets.UTF_8)).split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String location = fileName + ":" + (i + 1);
            try {
                result.add(paper(lines[i], location, result), location);
            } catch (BadRecordException e) {
                result.problem(location, e.getMessage());
            }
        }
        return result.build();
    }

    private Paper paper(String line, String location, ParsedPapers.Builder result) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadRecordException("not valid JSON: " + PaperFields.firstLine(e.getOriginalMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new BadRecordException("expected a JSON object per line");
        }
        Consumer<String> warn = message -> result.problem(location, message);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                warn.accept("unknown field '" + name + "' ignored");
            }
        }
        String id = text(node, "id");
        if (id == null) {
            throw new BadRecordException("missing id");
        }
        if (text(node, "title") == null) {
            throw new BadRecordException("missing title");
        }
        String source = text(node, "source");
        return new Paper(null,
                PaperFields.externalId(id),
                PaperFields.title(text(node, "title")),
                PaperFields.summary(text(node, "summary")),
                PaperFields.aiSummary(text(node, "ai_summary")),
                PaperFields.authors(strings(node, "authors")),
                PaperFields.keywords(strings(node, "keywords")),
                PaperFields.httpUrl(text(node, "url"), "url", warn),
                PaperFields.httpUrl(text(node, "pdf_url"), "pdf_url", warn),
                PaperFields.httpUrl(text(node, "code_url"), "code_url", warn),
                PaperFields.category(text(node, "category")),
                PaperFields.instant(text(node, "published_at"), "published_at"),
                PaperFields.instant(text(node, "featured_at"), "featured_at"),
                integer(node, "upvotes", 0),
                integer(node, "github_stars", 0),
                source == null ? DEFAULT_SOURCE : PaperFields.source(source),
                node.hasNonNull("source_rank") ? integer(node, "source_rank", 1) : null,
                null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadRecordException(field + " must be a string, found " + PaperFields.fit(value.toString(), 40));
        }
        return value.asText().isBlank() ? null : value.asText();
    }

    private static List<String> strings(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new BadRecordException(field + " must be an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                throw new BadRecordException(field + " must be an array of strings, found "
                        + PaperFields.fit(element.toString(), 40));
            }
            strings.add(element.asText());
        }
        return strings;
    }

    private static int integer(JsonNode node, String field, int min) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min) {
            throw new BadRecordException(field + " must be an integer of at least " + min + ", found "
                    + PaperFields.fit(value.toString(), 40));
        }
        return value.intValue();
    }
}
