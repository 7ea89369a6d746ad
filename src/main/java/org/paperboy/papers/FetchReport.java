package org.paperboy.papers;

import java.util.List;

/** What {@code fetch} got from each source, in the order the sources were asked. */
public record FetchReport(List<SourceOutcome> outcomes) {

    public FetchReport {
        outcomes = List.copyOf(outcomes);
    }

    /**
     * One source's result. {@code error} is null when the source answered; when it is set,
     * the counts still hold whatever was stored before the failure (earlier arXiv pages).
     */
    public record SourceOutcome(String source, int inserted, int updated, List<ImportProblem> problems,
                                String error) {
        public SourceOutcome {
            problems = List.copyOf(problems);
        }

        public boolean failed() {
            return error != null;
        }
    }

    public int inserted() {
        return outcomes.stream().mapToInt(SourceOutcome::inserted).sum();
    }

    public int updated() {
        return outcomes.stream().mapToInt(SourceOutcome::updated).sum();
    }

    public boolean anyFailed() {
        return outcomes.stream().anyMatch(SourceOutcome::failed);
    }
}
