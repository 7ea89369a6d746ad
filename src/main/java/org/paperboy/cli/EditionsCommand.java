package org.paperboy.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.delivery.DeliveryLedger;
import org.paperboy.delivery.Edition;
import org.paperboy.delivery.EditionPlanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "editions", mixinStandardHelpOptions = true, description = "What was sent, to how many, with failures.",
        subcommands = {EditionsCommand.ListEditions.class, EditionsCommand.Show.class})
final class EditionsCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Editions, newest first.")
    static final class ListEditions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--limit", defaultValue = "30", description = "how many (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Paperboy paperboy = Environment.open()) {
                List<Edition> editions = paperboy.editions().list(limit);
                if (editions.isEmpty()) {
                    out.println("No editions yet. Send one with 'paperboy send'.");
                    return Main.OK;
                }
                out.printf("%-10s  %-8s  %6s  %6s  %8s  %6s  %7s%n", "date", "status", "total", "sent", "deferred",
                        "failed", "skipped");
                for (Edition e : editions) {
                    Map<DeliveryLedger.State, Integer> p = paperboy.ledger().progress(e);
                    int total = p.values().stream().mapToInt(Integer::intValue).sum();
                    out.printf("%-10s  %-8s  %6d  %6d  %8d  %6d  %7d%n", e.date(), e.status().name().toLowerCase(),
                            total, p.get(DeliveryLedger.State.SENT), p.get(DeliveryLedger.State.DEFERRED)
                                    + p.get(DeliveryLedger.State.QUEUED) + p.get(DeliveryLedger.State.SENDING),
                            p.get(DeliveryLedger.State.FAILED), p.get(DeliveryLedger.State.SKIPPED));
                }
                return Main.OK;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One edition: its papers, its deliveries, and every deferred or failed delivery with its last reply.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DATE", description = "edition date, YYYY-MM-DD")
        LocalDate date;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Paperboy paperboy = Environment.open()) {
                Edition edition = paperboy.editions().find(date)
                        .orElseThrow(() -> new UsageException("there is no edition for " + date
                                + "; 'paperboy editions list' shows the ones there are"));
                Map<DeliveryLedger.State, Integer> p = paperboy.ledger().progress(edition);
                out.printf("Edition %s: %s%n", edition.date(), edition.status().name().toLowerCase());
                out.printf("Started %s%s%n", edition.startedAt(),
                        edition.finishedAt() == null ? "" : ", finished " + edition.finishedAt());
                if (edition.lastError() != null) {
                    out.println("Error: " + edition.lastError());
                }
                out.printf("Deliveries: %d sent, %d queued, %d sending, %d deferred, %d failed, %d skipped%n",
                        p.get(DeliveryLedger.State.SENT), p.get(DeliveryLedger.State.QUEUED),
                        p.get(DeliveryLedger.State.SENDING), p.get(DeliveryLedger.State.DEFERRED),
                        p.get(DeliveryLedger.State.FAILED), p.get(DeliveryLedger.State.SKIPPED));
                paperboy.selections().skipReasons(edition.id()).forEach((reason, count) ->
                        out.printf("  skipped, %s: %d%n", reason, count));
                out.println("Papers:");
                var rankings = paperboy.editionPapers().rankings(edition);
                rankings.get(Edition.Selection.DAILY).stream().limit(EditionPlanner.MAX_PAPERS).forEach(r ->
                        out.printf("  %2d. %s%n      %s%n", r.rank(), r.paper().title(), r.reason()));
                List<DeliveryLedger.Problem> problems = paperboy.ledger().problems(edition.id(), 1000);
                if (!problems.isEmpty()) {
                    out.println("Deferred and failed:");
                    for (DeliveryLedger.Problem problem : problems) {
                        out.printf("  %-40s %-8s attempts=%d %s%s%n", problem.email(),
                                problem.state().name().toLowerCase(), problem.attempts(),
                                problem.nextAttemptAt() == null ? "" : "next=" + problem.nextAttemptAt() + " ",
                                problem.lastReply() == null ? "" : "reply: " + problem.lastReply());
                    }
                }
                return Main.OK;
            }
        }
    }
}
