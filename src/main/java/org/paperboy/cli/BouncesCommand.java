package org.paperboy.cli;

import jakarta.mail.MessagingException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.delivery.BounceReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "bounces", mixinStandardHelpOptions = true, description = "Work with bounced mail.",
        subcommands = BouncesCommand.Poll.class)
final class BouncesCommand extends CommandGroup {

    @Command(name = "poll", mixinStandardHelpOptions = true,
            description = "Read the bounce mailbox once now (serve does it on PAPERBOY_BOUNCE_POLL_CRON).")
    static final class Poll implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Paperboy paperboy = Environment.open()) {
                BounceReport report;
                try {
                    report = paperboy.bouncePoller().pollOnce();
                } catch (MessagingException e) {
                    throw new IllegalStateException("cannot read the bounce mailbox at "
                            + paperboy.settings().bounces().host() + ": " + e.getMessage(), e);
                }
                out.printf("%d read: %d hard bounces, %d soft bounces, %d subscribers suppressed, %d ignored, "
                        + "%d without a valid token, %d malformed (the last two stay in the mailbox)%n", report.read(),
                        report.hard(), report.soft(), report.suppressed(), report.ignored(), report.unmatched(),
                        report.malformed());
                return Main.OK;
            }
        }
    }
}
