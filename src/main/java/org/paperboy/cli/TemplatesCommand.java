package org.paperboy.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.delivery.Edition;
import org.paperboy.digest.DigestCheck;
import org.paperboy.papers.RankedPaper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "templates", mixinStandardHelpOptions = true, description = "Work with the templates in templates/.",
        subcommands = TemplatesCommand.Check.class)
final class TemplatesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Render the digest templates at the largest digest size and report every problem (exit 2 on any).")
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
                List<DigestCheck.Finding> findings = new DigestCheck(paperboy.renderer()).check(today, largest);
                for (DigestCheck.Finding f : findings) {
                    err.println((f.error() ? "error: " : "warning: ") + f.message());
                }
                boolean failed = findings.stream().anyMatch(DigestCheck.Finding::error);
                out.println(failed ? "templates check failed" : "templates OK (" + largest.size()
                        + " papers rendered from " + paperboy.templates().describe("digest.html") + ")");
                return failed ? Main.USAGE : Main.OK;
            }
        }
    }

    /** The papers a check renders: today's ranking at the largest size, or the bundled sample when there is none. */
    static final class SampleDigest {
        private SampleDigest() {
        }

        static List<RankedPaper> largest(Paperboy paperboy) {
            try {
                return paperboy.planner().chooseNow().get(Edition.Selection.DAILY);
            } catch (org.paperboy.delivery.NothingToSendException e) {
                return List.of();
            }
        }
    }
}
