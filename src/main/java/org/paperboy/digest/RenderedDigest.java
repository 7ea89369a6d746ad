package org.paperboy.digest;

import java.util.List;

/**
 * A digest rendered from the templates: the subject line and both bodies. A digest rendered once
 * for many readers ({@link DigestRenderer#renderForReaders}) has no reader's values in its bodies
 * but stand-ins; its slots say where each one is, to be replaced.
 */
public record RenderedDigest(String subject, String html, String text, List<Slot> htmlSlots, List<Slot> textSlots) {

    public RenderedDigest {
        htmlSlots = List.copyOf(htmlSlots);
        textSlots = List.copyOf(textSlots);
    }

    /** A digest rendered for one reader, their values already in it. */
    public RenderedDigest(String subject, String html, String text) {
        this(subject, html, text, List.of(), List.of());
    }

    /**
     * The characters {@code at} to {@code end} of the body (a stand-in) that the reader's value named
     * {@code name} ({@link Recipient#EMAIL}, {@link Recipient#UNSUBSCRIBE_URL}, {@link Recipient#PREFERENCES_URL})
     * replaces.
     */
    public record Slot(int at, int end, String name) {
    }
}
