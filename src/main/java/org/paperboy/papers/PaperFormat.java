package org.paperboy.papers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The file formats {@code import} understands; {@link #AUTO} picks one by looking at the content. */
public enum PaperFormat {
    HF_JSON("hf-json"),
    ARXIV_ATOM("arxiv-atom"),
    JSONL("jsonl"),
    SEED_TEXT("seed-text"),
    AUTO("auto");

    private final String formatName;

    PaperFormat(String formatName) {
        this.formatName = formatName;
    }

    /** The name used on the command line, e.g. {@code hf-json}. */
    public String formatName() {
        return formatName;
    }

    public static PaperFormat fromName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (PaperFormat format : values()) {
            if (format.formatName.equals(wanted)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown paper format '" + name + "'; accepted: "
                + Arrays.stream(values()).map(PaperFormat::formatName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return formatName;
    }

    /**
     * The concrete format of {@code content}. The content decides when it says something (a JSON
     * array, an XML document, a JSON object per line); the file extension only breaks the tie for
     * content that gives no sign, such as an empty file.
     */
    static PaperFormat detect(String fileName, byte[] content) {
        String head = new String(content, 0, Math.min(content.length, 4096), StandardCharsets.UTF_8);
        String start = PaperFields.stripBom(head).stripLeading();
        if (start.startsWith("[")) {
            return HF_JSON;
        }
        if (start.startsWith("<")) {
            return ARXIV_ATOM;
        }
        if (start.startsWith("{")) {
            return JSONL;
        }
        if (start.isEmpty()) {
            return byExtension(fileName);
        }
        return SEED_TEXT;
    }

    private static PaperFormat byExtension(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return JSONL;
        }
        if (lower.endsWith(".json")) {
            return HF_JSON;
        }
        if (lower.endsWith(".atom") || lower.endsWith(".xml")) {
            return ARXIV_ATOM;
        }
        return SEED_TEXT;
    }
}
