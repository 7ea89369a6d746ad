package org.paperboy.digest;

/** A digest rendered from the templates: the subject line and both bodies. */
public record RenderedDigest(String subject, String html, String text) {
}
