package org.paperboy.digest;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.paperboy.templates.TemplateException;

/**
 * Stand-ins for a reader's values while a digest is rendered once for many readers. Each render
 * draws a random nonce that occurs nowhere in the papers, so paper text cannot forge a marker;
 * after rendering, the markers are cut out and their offsets recorded. Nothing is searched later.
 *
 * <p>The nonce is decimal digits only: no character changes case into or out of a digit, so a
 * plain search finds a marker a template wrote in upper case as surely as one it left alone.
 */
final class ReaderMarkers {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** 32 decimal digits: about 106 random bits. */
    static final int NONCE_DIGITS = 32;
    private static final List<String> NAMES = List.of(Recipient.EMAIL, Recipient.UNSUBSCRIBE_URL,
            Recipient.PREFERENCES_URL);

    private final String nonce;

    private ReaderMarkers(String nonce) {
        this.nonce = nonce;
    }

    /** Markers whose nonce occurs in none of {@code texts} (null entries are passed over). */
    static ReaderMarkers avoiding(List<String> texts) {
        while (true) {
            StringBuilder digits = new StringBuilder(NONCE_DIGITS);
            for (int i = 0; i < NONCE_DIGITS; i++) {
                digits.append((char) ('0' + RANDOM.nextInt(10)));
            }
            String nonce = digits.toString();
            if (texts.stream().noneMatch(text -> text != null && text.contains(nonce))) {
                return new ReaderMarkers(nonce);
            }
        }
    }

    String nonce() {
        return nonce;
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

    /**
     * Where the markers are in {@code rendered}: each one's characters are replaced by a reader's value.
     * The body itself is kept as rendered, not copied without them: a sender encodes the text between
     * the markers, and a digest is rendered tens of thousands of times an edition when readers have topics.
     *
     * @throws TemplateException when a template changed a marker (cut it short, changed its case):
     *                           the reader's value would be lost there
     */
    List<RenderedDigest.Slot> slots(String template, String rendered) {
        List<RenderedDigest.Slot> slots = new ArrayList<>();
        // every occurrence of the nonce must open a whole marker: one the template changed (its case, its
        // end) still holds the nonce, since its digits have no case
        for (int at = rendered.indexOf(nonce); at >= 0; at = rendered.indexOf(nonce, at + nonce.length())) {
            int marker = at - 2;
            String name = marker < 0 || !rendered.startsWith("pb", marker) ? null : nameAt(rendered, marker);
            if (name == null) {
                throw changed(template);
            }
            slots.add(new RenderedDigest.Slot(marker, marker + marker(name).length(), name));
        }
        return slots;
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
