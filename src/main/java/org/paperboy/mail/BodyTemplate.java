package org.paperboy.mail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.unbescape.html.HtmlEscape;

/**
 * A rendered body with slots for the values that differ per recipient. The text around the slots
 * is encoded once; {@link #writeTo} splices in each recipient's values. Slots are ranges the
 * renderer recorded (its stand-ins, replaced by the values): the text itself is never searched, so
 * nothing in it can act as a slot.
 */
public final class BodyTemplate {

    /** How a slot value is escaped before it is encoded. */
    public enum Kind { TEXT, HTML }

    /** The value named {@code name} replaces the characters {@code at} to {@code end} of the text. */
    public record Slot(int at, int end, String name) {
        /** A slot that replaces nothing: the value goes before the character at {@code at}. */
        public Slot(int at, String name) {
            this(at, at, name);
        }
    }

    // the encoded pieces only, not the rendered text: an edition keeps dozens of bodies while their
    // readers are sent, and the text would double what stays in memory through each collection
    private final List<Slot> slots;
    private final Kind kind;
    private final List<Object> pieces; // QuotedPrintable.Piece or String (slot name)

    private BodyTemplate(List<Slot> slots, Kind kind, List<Object> pieces) {
        this.slots = slots;
        this.kind = kind;
        this.pieces = pieces;
    }

    /** A body that is the same for every recipient. */
    public static BodyTemplate plain(String text, Kind kind) {
        return compile(text, List.of(), kind);
    }

    /**
     * A body with {@code slots}, in the order of their offsets.
     *
     * @throws IllegalArgumentException when a slot lies outside the text, ends before it starts or
     *         overlaps the one before
     */
    public static BodyTemplate compile(String text, List<Slot> slots, Kind kind) {
        List<Object> pieces = new ArrayList<>();
        int last = 0;
        for (Slot slot : slots) {
            if (slot.at() < last || slot.end() < slot.at() || slot.end() > text.length()) {
                throw new IllegalArgumentException("slot '" + slot.name() + "' at " + slot.at() + "-" + slot.end()
                        + " is out of order or outside a text of " + text.length() + " characters");
            }
            if (slot.at() > last) {
                pieces.add(QuotedPrintable.encode(text, last, slot.at()));
            }
            pieces.add(slot.name());
            last = slot.end();
        }
        if (last < text.length()) {
            pieces.add(QuotedPrintable.encode(text, last, text.length()));
        }
        return new BodyTemplate(List.copyOf(slots), kind, List.copyOf(pieces));
    }

    /** The names of the slots this body needs, in order of appearance. */
    public List<String> slotNames() {
        return slots.stream().map(Slot::name).distinct().toList();
    }

    public Kind kind() {
        return kind;
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
