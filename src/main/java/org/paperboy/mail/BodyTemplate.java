package org.paperboy.mail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.unbescape.html.HtmlEscape;

/**
 * A rendered body with named slots for the values that differ per recipient. The text
 * around the slots is encoded once; {@link #writeTo} splices in each recipient's values.
 * A slot is written in the rendered text as {@code @@paperboy.NAME@@}.
 */
public final class BodyTemplate {

    private static final Pattern SLOT = Pattern.compile("@@paperboy\\.([A-Za-z]+)@@");

    /** How a slot value is escaped before it is encoded. */
    public enum Kind { TEXT, HTML }

    private final String source;
    private final Kind kind;
    private final List<Object> pieces; // QuotedPrintable.Piece or String (slot name)

    private BodyTemplate(String source, Kind kind, List<Object> pieces) {
        this.source = source;
        this.kind = kind;
        this.pieces = pieces;
    }

    /** The marker to put in rendered text where the value named {@code name} belongs. */
    public static String slot(String name) {
        return "@@paperboy." + name + "@@";
    }

    public static BodyTemplate compile(String rendered, Kind kind) {
        List<Object> pieces = new ArrayList<>();
        Matcher m = SLOT.matcher(rendered);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                QuotedPrintable.Piece piece = QuotedPrintable.encode(rendered.substring(last, m.start()));
                pieces.add(piece);
            }
            pieces.add(m.group(1));
            last = m.end();
        }
        if (last < rendered.length()) {
            QuotedPrintable.Piece piece = QuotedPrintable.encode(rendered.substring(last));
            pieces.add(piece);
        }
        return new BodyTemplate(rendered, kind, List.copyOf(pieces));
    }

    /** The names of the slots this body needs, in order of appearance. */
    public List<String> slotNames() {
        return pieces.stream().filter(String.class::isInstance).map(String.class::cast).distinct().toList();
    }

    public Kind kind() {
        return kind;
    }

    /** The decoded body with {@code values} filled in: what a reader sees. */
    public String fill(Map<String, String> values) {
        Matcher m = SLOT.matcher(source);
        StringBuilder out = new StringBuilder(source.length() + 256);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(escape(valueOf(values, m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }

    void writeTo(ByteArrayOutputStream out, Map<String, String> values) {
        boolean atLineStart = true;
        for (Object piece : pieces) {
            QuotedPrintable.Piece encoded = piece instanceof String name
                    ? QuotedPrintable.encode(escape(valueOf(values, name)))
                    : (QuotedPrintable.Piece) piece;
            if (encoded.bytes().length == 0) {
                continue;
            }
            if (!atLineStart) {
                out.write(QuotedPrintable.SOFT_BREAK, 0, QuotedPrintable.SOFT_BREAK.length);
            }
            out.write(encoded.bytes(), 0, encoded.bytes().length);
            atLineStart = encoded.endsAtLineStart();
        }
        if (!atLineStart) {
            out.write('\r');
            out.write('\n');
        }
    }

    private String escape(String value) {
        return kind == Kind.HTML ? HtmlEscape.escapeHtml4Xml(value) : value;
    }

    private static String valueOf(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no value for slot '" + name + "'");
        }
        return value;
    }
}
