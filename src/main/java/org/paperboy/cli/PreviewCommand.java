package org.paperboy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.delivery.Edition;
import org.paperboy.digest.Recipient;
import org.paperboy.digest.RenderedDigest;
import org.paperboy.papers.RankedPaper;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "preview", mixinStandardHelpOptions = true,
        description = "Render a digest without sending it: the edition of the date if it exists, else today's ranking.")
final class PreviewCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--subscriber", description = "render for this subscriber (their size, frequency and links)")
    String subscriber;

    @Option(names = "--date", description = "edition date, YYYY-MM-DD (default: today)")
    LocalDate date;

    @Option(names = "--out", description = "write the HTML here instead of printing it")
    Path out;

    @Option(names = "--text", description = "the plain-text part instead of the HTML")
    boolean text;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        try (Paperboy paperboy = Environment.open()) {
            LocalDate day = date != null ? date : paperboy.planner().today();
            var rankings = paperboy.editions().find(day).map(e -> paperboy.editionPapers().rankings(e))
                    .orElseGet(() -> paperboy.planner().chooseNow());
            Edition.Selection selection = Edition.Selection.DAILY;
            int size = paperboy.settings().digest().size();
            Recipient recipient = new Recipient("subscriber@example.org", paperboy.links().unsubscribeUrl(0),
                    paperboy.links().preferencesUrl(0));
            if (subscriber != null) {
                Subscriber s = paperboy.subscribers().findByEmail(EmailAddress.parse(subscriber))
                        .orElseThrow(() -> new UsageException("no subscriber " + subscriber));
                if (s.preferences().digestSize() != null) {
                    size = s.preferences().digestSize();
                }
                if (s.preferences().frequency() == org.paperboy.subscriptions.Frequency.WEEKLY) {
                    selection = Edition.Selection.WEEKLY;
                }
                recipient = new Recipient(s.email(), paperboy.links().unsubscribeUrl(s.id()),
                        paperboy.links().preferencesUrl(s.id()));
            }
            List<RankedPaper> ranking = rankings.getOrDefault(selection, List.of());
            RenderedDigest digest = paperboy.renderer().render(day, ranking.subList(0, Math.min(size, ranking.size())),
                    recipient);
            String body = text ? digest.text() : digest.html();
            if (out == null) {
                stdout.println(body);
            } else {
                Files.writeString(out, body, StandardCharsets.UTF_8);
                stdout.printf("Subject: %s%nWrote %s (%d bytes)%n", digest.subject(), out,
                        body.getBytes(StandardCharsets.UTF_8).length);
            }
            return Main.OK;
        }
    }
}
