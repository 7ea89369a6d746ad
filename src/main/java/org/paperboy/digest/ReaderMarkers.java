package org.paperboy.digest;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.paperboy.templates.TemplateException;

/**
 * Stand-ins for a reader's values while a digest is rendered once for many readers. Each render
 * draws a random nonce that occurs nowhere in the papers, so paper text cannot forge a marker;
 * after rendering, the markers are cut out and their offsets recorded. Nothing is searched later.
 */
final class ReaderMarkers {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> NAMES = List.of(Recipient.EMAIL, Recipient.UNSUBSCRIBE_URL,
            Recipient.PREFERENCES_URL);

    private final String nonce;

    private ReaderMarkers(String nonce) {
        this.nonce = nonce;
    }

    /** Markers whose nonce does not occur in {@code data} (compared in lower case). */
    static ReaderMarkers avoiding(String data) {
        while (true) {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            String nonce = HexFormat.of().formatHex(bytes);
            if (!containsInAnyCase(data, nonce)) {
                return new ReaderMarkers(nonce);
            }
        }
    }

    /** Letters and digits only: every escaping a template may apply (HTML, URL, JS) leaves them as they are. */
    private String marker(String name) {
        return "pb" + nonce + name.toLowerCase(Locale.ROOT) + "x";
    }

    /** The reader to render with: a marker for each value. */
    Recipient recipient() {
        return new Recipient(marker(Recipient.EMAIL), marker(Recipient.UNSUBSCRIBE_URL),
                marker(Recipient.PREFERENCES_URL));
    }

    /** A body with its markers cut out, and where they were. */
    record Cut(String text, List<RenderedDigest.Slot> slots) {
    }

    /**
     * Cuts the markers out of {@code rendered}.
     *
     * @throws TemplateException when a template changed a marker (cut it short, changed its case):
     *                           the reader's value would be lost there
     */
    Cut cut(String template, String rendered) {
        String start = "pb" + nonce;
        StringBuilder text = new StringBuilder(rendered.length());
        List<RenderedDigest.Slot> slots = new ArrayList<>();
        int last = 0;
        for (int at = rendered.indexOf(start); at >= 0; at = rendered.indexOf(start, last)) {
            String name = nameAt(rendered, at);
            if (name == null) {
                throw changed(template);
            }
            text.append(rendered, last, at);
            slots.add(new RenderedDigest.Slot(text.length(), name));
            last = at + marker(name).length();
        }
        text.append(rendered, last, rendered.length());
        String body = text.toString();
        if (containsInAnyCase(body, nonce)) {
            throw changed(template);
        }
        return new Cut(body, slots);
    }

    /**
     * Whether {@code text} holds the lower-case hex {@code nonce} in any mix of cases: what
     * {@code text.toLowerCase(Locale.ROOT).contains(nonce)} says (no other character lowers to a
     * hex digit or letter), without a lower-case copy of a 30 KB body per digest.
     */
    static boolean containsInAnyCase(String text, String nonce) {
        for (int i = 0, last = text.length() - nonce.length(); i <= last; i++) {
            if (text.regionMatches(true, i, nonce, 0, nonce.length())) {
                return true;
            }
        }
        return false;
    }

    private String nameAt(String rendered, int at) {
        for (String name : NAMES) {
            if (rendered.startsWith(marker(name), at)) {
                return name;
            }
        }
        return null;
    }

    private static TemplateException changed(String template) {
        return new TemplateException(template + ": a reader's value was changed by the template; show ${email}, "
                + "${unsubscribeUrl} and ${preferencesUrl} as they are", null);
    }
}
