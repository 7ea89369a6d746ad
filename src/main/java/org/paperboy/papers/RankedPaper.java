package org.paperboy.papers;

/** A paper's place in a ranking, with the score and the plain-words reason behind it. */
public record RankedPaper(int rank, Paper paper, double score, String reason) {
}
