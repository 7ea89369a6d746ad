package org.paperboy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.papers.ImportProblem;
import org.paperboy.papers.ImportReport;
import org.paperboy.papers.PaperFormat;
import org.paperboy.papers.PaperImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Load papers from files. Known papers are updated, never duplicated.",
                "Malformed records are reported with file and line and skipped; exit 1 only when nothing could be imported."})
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "files to import")
    List<Path> files;

    @Option(names = "--format", defaultValue = "auto",
            description = "hf-json, arxiv-atom, jsonl, seed-text or auto (default: ${DEFAULT-VALUE})")
    String format;

    @Override
    public Integer call() {
        PaperFormat parsed;
        try {
            parsed = PaperFormat.fromName(format);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Paperboy paperboy = Environment.open()) {
            ImportReport report = new PaperImporter(paperboy.papers()).importFiles(files, parsed);
            for (ImportProblem problem : report.problems()) {
                err.println("skipped " + problem);
            }
            out.printf("%d papers added, %d updated, %d problem%s%n", report.inserted(), report.updated(),
                    report.problems().size(), report.problems().size() == 1 ? "" : "s");
            return report.nothingImported() ? Main.FAILURE : Main.OK;
        }
    }
}
