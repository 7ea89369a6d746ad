package org.paperboy.papers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The papers a parser could read from one document, and the problems it met on the way. */
record ParsedPapers(List<Paper> papers, List<ImportProblem> problems) {

    ParsedPapers {
        papers = List.copyOf(papers);
        problems = List.copyOf(problems);
    }

    /** Collects one document's results; a repeated id is a problem, since the first one wins. */
    static final class Builder {
        private final List<Paper> papers = new ArrayList<>();
        private final List<ImportProblem> problems = new ArrayList<>();
        private final Map<String, String> firstSeenAt = new HashMap<>();

        void add(Paper paper, String location) {
            String earlier = firstSeenAt.putIfAbsent(paper.externalId(), location);
            if (earlier != null) {
                problem(location, "duplicate id " + paper.externalId() + " (first at " + earlier + "), skipped");
                return;
            }
            papers.add(paper);
        }

        void problem(String location, String message) {
            problems.add(new ImportProblem(location, message));
        }

        ParsedPapers build() {
            return new ParsedPapers(papers, problems);
        }
    }
}
