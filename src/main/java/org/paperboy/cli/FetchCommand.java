package org.paperboy.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.papers.FetchReport;
import org.paperboy.papers.ImportProblem;
import org.paperboy.papers.PaperFetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Pull papers from the configured HTTP sources (PAPERBOY_SOURCES).")
final class FetchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--source", description = "only this source: huggingface or arxiv")
    String source;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Paperboy paperboy = Environment.open()) {
            Settings.Sources sources = paperboy.settings().sources();
            List<String> chosen = sources.enabled();
            if (source != null) {
                if (!Settings.Sources.KNOWN.contains(source)) {
                    throw new UsageException("unknown source '" + source + "': expected one of " + Settings.Sources.KNOWN);
                }
                chosen = List.of(source);
            }
            if (chosen.isEmpty()) {
                throw new UsageException("no sources configured: set PAPERBOY_SOURCES or pass --source");
            }
            FetchReport report = fetch(paperboy, chosen);
            for (FetchReport.SourceOutcome outcome : report.outcomes()) {
                for (ImportProblem problem : outcome.problems()) {
                    err.println("skipped " + problem);
                }
                if (outcome.failed()) {
                    err.println(outcome.source() + ": " + outcome.error());
                }
                out.printf("%s: %d added, %d updated%s%n", outcome.source(), outcome.inserted(), outcome.updated(),
                        outcome.failed() ? " (failed)" : "");
            }
            return report.anyFailed() ? Main.FAILURE : Main.OK;
        }
    }

    static FetchReport fetch(Paperboy paperboy, List<String> sources) {
        return new PaperFetcher(paperboy.settings().sources(), paperboy.papers(), paperboy.clock())
                .fetchToday(sources, paperboy.settings().digest().timezone());
    }
}
