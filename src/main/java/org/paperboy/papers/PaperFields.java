package org.paperboy.papers;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.paperboy.config.ErrorMessages;
import org.paperboy.config.WebUrls;

/**
 * Cleans field values the same way for every source, and keeps them inside the column sizes
 * of the {@code papers} table so one oversized record cannot fail a whole import.
 */
final class PaperFields {

    static final int MAX_ID = 64;
    static final int MAX_TITLE = 1000;
    static final int MAX_SUMMARY = 20_000;
    static final int MAX_AI_SUMMARY = 4000;
    static final int MAX_AUTHORS = 8000;
    static final int MAX_KEYWORDS = 2000;
    static final int MAX_URL = 1000;
    static final int MAX_CATEGORY = 64;
    static final int MAX_SOURCE = 32;

    // Unicode spaces too: titles pasted from PDFs carry no-break and thin spaces.
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\u00A0\\u2000-\\u200B\\u202F\\u3000]+");
    private static final Pattern ARXIV_ID = Pattern.compile(
            "(?i)(?:arxiv:)?(\\d{4}\\.\\d{4,5}|[a-z][a-z.-]*(?:\\.[a-z]{2})?/\\d{7})(?:v\\d+)?");
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]*");
    private static final Pattern SOURCE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private PaperFields() {
    }

    /** Whitespace runs (newlines included) become one space; blank becomes null. */
    static String collapse(String text) {
        if (text == null) {
            return null;
        }
        String collapsed = WHITESPACE.matcher(text).replaceAll(" ").strip();
        return collapsed.isEmpty() ? null : collapsed;
    }

    /** {@code text} cut to {@code max} characters, with an ellipsis when cut. */
    static String fit(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    static String title(String raw) {
        String title = collapse(raw);
        if (title == null) {
            throw new BadRecordException("missing title");
        }
        return fit(title, MAX_TITLE);
    }

    static String summary(String raw) {
        return fit(collapse(raw), MAX_SUMMARY);
    }

    static String aiSummary(String raw) {
        return fit(collapse(raw), MAX_AI_SUMMARY);
    }

    static String category(String raw) {
        return fit(collapse(raw), MAX_CATEGORY);
    }

    /**
     * The key shared by every source: arXiv ids lose an {@code arXiv:} prefix and their version,
     * so {@code 2401.01234v2} from one feed and {@code 2401.01234} from another are one paper.
     */
    static String externalId(String raw) {
        String id = raw == null ? "" : raw.strip();
        if (id.isEmpty()) {
            throw new BadRecordException("missing id");
        }
        Matcher arxiv = ARXIV_ID.matcher(id);
        if (arxiv.matches()) {
            return arxiv.group(1);
        }
        if (id.length() > MAX_ID || !SAFE_ID.matcher(id).matches()) {
            throw new BadRecordException("id '" + fit(id, 80) + "' must be at most " + MAX_ID
                    + " letters, digits or . _ : / -");
        }
        return id;
    }

    /** The id of a paper known only by its title: stable across imports of the same list. */
    static String titleId(String prefix, String title) {
        String normalised = collapse(title).toLowerCase(Locale.ROOT);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normalised.getBytes(StandardCharsets.UTF_8));
            return prefix + HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String source(String raw) {
        String source = raw == null ? "" : raw.strip();
        if (source.length() > MAX_SOURCE || !SOURCE_NAME.matcher(source).matches()) {
            throw new BadRecordException("source '" + fit(source, 40) + "' must be at most " + MAX_SOURCE
                    + " lower-case letters, digits, _ or -");
        }
        return source;
    }

    /**
     * An absolute http(s) link, or null. Anything else (a relative path, {@code javascript:})
     * would end up as a link in an email, so it is dropped with a warning instead.
     */
    static String httpUrl(String raw, String field, Consumer<String> warn) {
        String url = raw == null ? null : raw.strip();
        if (url == null || url.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(url);
            if (WebUrls.isWebUrl(uri) && url.length() <= MAX_URL) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below like any other unusable link
        }
        warn.accept(field + " ignored: not an absolute http(s) URL of at most " + MAX_URL + " characters: "
                + fit(url, 80));
        return null;
    }

    /** An ISO-8601 instant, offset date-time or date (read as midnight UTC); blank is null. */
    static Instant instant(String raw, String field) {
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            return null;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRecordException(field + " '" + fit(text, 40)
                    + "' is not an ISO-8601 date or instant (e.g. 2024-01-05 or 2024-01-05T09:30:00Z)");
        }
    }

    /** Names in order, blanks dropped; the list is cut (with "et al.") to fit the column. */
    static List<String> authors(List<String> raw) {
        List<String> authors = new ArrayList<>();
        int length = 0;
        for (String name : raw) {
            String clean = fit(collapse(name), 200);
            if (clean == null) {
                continue;
            }
            // Keep room for "\net al." so a cut list says it was cut.
            if (length + clean.length() + 1 > MAX_AUTHORS - 8) {
                authors.add("et al.");
                break;
            }
            authors.add(clean);
            length += clean.length() + 1;
        }
        return authors;
    }

    /** Keywords in order, without blanks or repeats; stored comma-separated, so commas go. */
    static List<String> keywords(List<String> raw) {
        Set<String> keywords = new LinkedHashSet<>();
        int length = 0;
        for (String keyword : raw) {
            String clean = collapse(keyword == null ? null : keyword.replace(',', ' '));
            if (clean == null || keywords.contains(clean)) {
                continue;
            }
            if (length + clean.length() + 1 > MAX_KEYWORDS) {
                break;
            }
            keywords.add(clean);
            length += clean.length() + 1;
        }
        return List.copyOf(keywords);
    }

    static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The first line of an exception message, for one-line problems. */
    static String firstLine(String message) {
        return ErrorMessages.firstLine(message);
    }
}
