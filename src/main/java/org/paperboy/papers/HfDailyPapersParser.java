package org.paperboy.papers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the JSON array served by Hugging Face's {@code GET /api/daily_papers?date=YYYY-MM-DD}:
 * one item per featured paper, the paper itself nested under {@code paper}, in the order the
 * daily page shows them.
 */
final class HfDailyPapersParser implements PaperParser {

    static final String SOURCE = "huggingface";

    private final ObjectMapper json;

    HfDailyPapersParser(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public ParsedPapers parse(String fileName, byte[] content) {
        ParsedPapers.Builder result = new ParsedPapers.Builder();
        JsonNode root;
        try {
            root = json.readTree(content);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            result.problem(line > 0 ? fileName + ":" + line : fileName,
                    "not valid JSON: " + PaperFields.firstLine(e.getOriginalMessage()));
            return result.build();
        } catch (IOException e) {
            result.problem(fileName, "cannot be read: " + PaperFields.firstLine(e.getMessage()));
            return result.build();
        }
        if (root == null || !root.isArray()) {
            // The API answers errors as {"error": "..."}; say so rather than "no papers".
            String error = root != null && root.hasNonNull("error") ? ": " + root.get("error").asText() : "";
            result.problem(fileName, "expected a JSON array of daily papers, found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)) + error);
            return result.build();
        }
        for (int i = 0; i < root.size(); i++) {
            String location = fileName + "[" + i + "]";
            try {
                result.add(paper(root.get(i), i + 1, location, result), location);
            } catch (BadRecordException e) {
                result.problem(location, e.getMessage());
            }
        }
        return result.build();
    }

    private static Paper paper(JsonNode item, int rank, String location, ParsedPapers.Builder result) {
        JsonNode paper = item.path("paper");
        if (!paper.isObject()) {
            throw new BadRecordException("missing paper object");
        }
        String rawId = text(paper, "id");
        if (rawId == null) {
            throw new BadRecordException("missing paper.id");
        }
        String id = PaperFields.externalId(rawId);
        if (text(paper, "title") == null) {
            throw new BadRecordException("missing paper.title");
        }
        List<String> authors = new ArrayList<>();
        for (JsonNode author : paper.path("authors")) {
            authors.add(author.isTextual() ? author.asText() : text(author, "name"));
        }
        List<String> keywords = new ArrayList<>();
        for (JsonNode keyword : paper.path("ai_keywords")) {
            keywords.add(keyword.asText());
        }
        // A paper trends from the moment it was put on the daily page; the item's publishedAt and
        // paper.publishedAt are publication dates that can be weeks older. Without it, Paperboy's first sight counts.
        Instant featuredAt = PaperFields.instant(text(paper, "submittedOnDailyAt"), "paper.submittedOnDailyAt");
        return new Paper(null, id,
                PaperFields.title(text(paper, "title")),
                PaperFields.summary(text(paper, "summary")),
                PaperFields.aiSummary(text(paper, "ai_summary")),
                PaperFields.authors(authors),
                PaperFields.keywords(keywords),
                "https://huggingface.co/papers/" + id,
                "https://arxiv.org/pdf/" + id,
                PaperFields.httpUrl(text(paper, "githubRepo"), "paper.githubRepo",
                        warning -> result.problem(location, warning)),
                null,
                PaperFields.instant(text(paper, "publishedAt"), "paper.publishedAt"),
                featuredAt,
                count(paper, "upvotes"),
                count(paper, "githubStars"),
                SOURCE,
                rank,
                null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    private static int count(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 0) {
            throw new BadRecordException("paper." + field + " must be a non-negative integer, found " + value);
        }
        return value.intValue();
    }
}
