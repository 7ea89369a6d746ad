package org.paperboy.papers;

import java.util.List;

/** What an import stored, and what it had to skip or complain about. */
public record ImportReport(int inserted, int updated, List<ImportProblem> problems) {

    public ImportReport {
        problems = List.copyOf(problems);
    }

    public boolean nothingImported() {
        return inserted == 0 && updated == 0;
    }
}
