package org.paperboy.papers;

/** Turns one document of a given format into papers; never throws for bad content. */
@FunctionalInterface
interface PaperParser {

    /** {@code fileName} is only used to label problems. */
    ParsedPapers parse(String fileName, byte[] content);
}
