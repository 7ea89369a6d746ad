package org.paperboy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.digest.RenderedDigest;
import org.paperboy.store.PrivateFiles;
import org.paperboy.subscriptions.EmailAddress;
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
        EmailAddress who = subscriber == null ? null : EmailAddress.parse(subscriber);
        try (Paperboy paperboy = Environment.open()) {
            RenderedDigest digest;
            try {
                digest = paperboy.preview().render(date, who);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            String body = text ? digest.text() : digest.html();
            if (out == null) {
                stdout.println(body);
            } else {
                Files.writeString(out, body, StandardCharsets.UTF_8);
                PrivateFiles.restrict(out); // a subscriber's digest holds their signed links
                stdout.printf("Subject: %s%nWrote %s (%d bytes)%n", digest.subject(), out,
                        body.getBytes(StandardCharsets.UTF_8).length);
            }
            return Main.OK;
        }
    }
}
