package org.paperboy.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.delivery.Edition;
import org.paperboy.digest.DigestCheck;
import org.paperboy.papers.RankedPaper;
import org.paperboy.web.PageCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "templates", mixinStandardHelpOptions = true, description = "Work with the templates in templates/.",
        subcommands = TemplatesCommand.Check.class)
final class TemplatesCommand extends CommandGroup {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Render every template against sample data: the digest at the largest size, the confirmation",
                    "email and the pages. Problems are reported as file:line:column: message; exit 2 on any error."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (Paperboy paperboy = Environment.open()) {
                LocalDate today = paperboy.planner().today();
                List<RankedPaper> largest = SampleDigest.largest(paperboy);
                List<DigestCheck.Finding> findings = new java.util.ArrayList<>(
                        new DigestCheck(paperboy.renderer()).check(today, largest));
                findings.addAll(new PageCheck(paperboy).check());
                for (DigestCheck.Finding f : findings) {
                    err.println((f.error() ? "error: " : "warning: ") + f.message());
                }
                boolean failed = findings.stream().anyMatch(DigestCheck.Finding::error);
                out.println(failed ? "templates check failed" : "templates OK: the digest with " + largest.size()
                        + " papers, the confirmation email and the pages, from " + paperboy.templates().directory());
                return failed ? Main.USAGE : Main.OK;
            }
        }
    }

    /** The papers a check renders: today's ranking at the largest size, or the bundled sample when nothing trends. */
    static final class SampleDigest {
        private SampleDigest() {
        }

        static List<RankedPaper> largest(Paperboy paperboy) {
            try {
                return paperboy.planner().chooseNow().get(Edition.Selection.DAILY);
            } catch (org.paperboy.delivery.NothingToSendException e) {
                List<org.paperboy.papers.Paper> sample = org.paperboy.papers.PaperImporter.samplePapers();
                List<RankedPaper> ranked = new java.util.ArrayList<>();
                for (int i = 0; i < Math.min(org.paperboy.delivery.EditionPlanner.MAX_PAPERS, sample.size()); i++) {
                    ranked.add(new RankedPaper(i + 1, sample.get(i), 1.0 / (i + 1), "#" + (i + 1) + " on the sample trending list"));
                }
                return ranked;
            }
        }
    }
}
