package org.paperboy.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.delivery.DeliveryLedger;
import org.paperboy.delivery.EditionSender;
import org.paperboy.delivery.SendMode;
import org.paperboy.delivery.SendReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Build and deliver the edition for a date now.",
                "Safe to re-run: only subscribers who have not received it get it; deferred deliveries are retried."})
final class SendCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--date", description = "edition date, YYYY-MM-DD (default: today in PAPERBOY_TIMEZONE)")
    LocalDate date;

    @Option(names = "--dry-run", description = "render the digests and count recipients; send and store nothing")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Paperboy paperboy = Environment.open()) {
            EditionSender sender = paperboy.sender();
            LocalDate day = date != null ? date : sender.today();
            if (dryRun) {
                EditionSender.DryRun dry = sender.dryRun(day);
                out.printf("Dry run for %s: %d papers, %d active subscribers, edition %s; %d digests rendered; nothing"
                        + " sent or stored.%nSubject: %s%n", day, dry.papers(), dry.activeSubscribers(),
                        dry.editionExists() ? "exists" : "not created yet", dry.digestsRendered(), dry.subject());
                return Main.OK;
            }
            Thread shutdown = new Thread(sender::requestStop, "send-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdown);
            SendReport report;
            try {
                report = sender.send(day, SendMode.MANUAL, (done, total, rate) -> {
                    err.printf(Locale.ROOT, "\rsending %s: %d/%d (%.0f msg/s)   ", day, done, total, rate);
                    err.flush();
                });
            } finally {
                err.println(); // ends the progress line, also before an error's line
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            printSummary(out, report);
            return report.hadFailures() ? Main.FAILURE : Main.OK;
        }
    }

    static void printSummary(PrintWriter out, SendReport report) {
        var ledger = report.ledger();
        out.printf(Locale.ROOT, "Edition %s: %d sent now, %d deferred, %d failed, %d skipped in %.1f s (%.0f msg/s)%n",
                report.date(), report.sentNow(), report.deferredNow(), report.failedNow(), report.skippedNow(),
                report.elapsed().toMillis() / 1000.0, report.ratePerSecond());
        out.printf("Ledger: %d of %d delivered, %d still to send, %d failed, %d skipped%n",
                ledger.get(DeliveryLedger.State.SENT), report.total(), report.stillToSend(),
                ledger.get(DeliveryLedger.State.FAILED), ledger.get(DeliveryLedger.State.SKIPPED));
        if (report.choosing().readers() > 0) {
            out.printf(Locale.ROOT, "Chosen: papers for %d readers in %.1f s, %d distinct selections, %d with nothing new%n",
                    report.choosing().readers(), report.choosing().took().toMillis() / 1000.0,
                    report.choosing().selections(), report.choosing().nothingNew());
        }
        if (report.stoppedBecause() != null) {
            out.println("Stopped early: " + report.stoppedBecause() + ". Run 'paperboy send' again to resume.");
        }
        if (report.stillToSend() > 0 || ledger.get(DeliveryLedger.State.FAILED) > 0) {
            out.println("Details: paperboy editions show " + report.date());
        }
    }
}
