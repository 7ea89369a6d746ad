package org.paperboy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.ErasedAddresses;
import org.paperboy.subscriptions.InvalidEmailException;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.TimeZones;
import org.paperboy.subscriptions.Topics;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "subscribers", mixinStandardHelpOptions = true, description = "Manage the list from the shell.",
        subcommands = {SubscribersCommand.Add.class, SubscribersCommand.Remove.class, SubscribersCommand.ListAll.class,
                SubscribersCommand.ImportCsv.class, SubscribersCommand.Export.class})
final class SubscribersCommand extends CommandGroup {

    /** Addresses erased on request come back only through the person's own double opt-in. */
    static void refuseErased(Paperboy paperboy, List<EmailAddress> addresses) {
        ErasedAddresses erased = new ErasedAddresses(paperboy.database());
        List<String> refused = addresses.stream().filter(erased::contains).map(EmailAddress::value).toList();
        if (!refused.isEmpty()) {
            throw new UsageException(String.join(", ", refused) + (refused.size() == 1 ? " was" : " were")
                    + " erased on request and cannot be added again by an operator; the person can subscribe again"
                    + " through the web form. Nothing was added.");
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add addresses. Without --confirmed they stay pending until they confirm by email.",
                    "Use --confirmed only for people who already agreed to receive the digest."})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "EMAIL", arity = "1..*", description = "addresses to add")
        List<String> emails;

        @Option(names = "--confirmed", description = "add as active (consent already given elsewhere)")
        boolean confirmed;

        @Option(names = "--topics", paramLabel = "\"A,B\"", description = "comma-separated topics for the new subscribers")
        String topics;

        @Option(names = "--timezone", paramLabel = "Area/City",
                description = "IANA time zone of the new subscribers, e.g. Europe/Berlin (default: PAPERBOY_TIMEZONE)")
        String timezone;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Preferences preferences;
            try {
                preferences = Preferences.DEFAULT.withTopics(Topics.parse(topics)).withTimezone(TimeZones.parse(timezone));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage() + ". Nothing was added.");
            }
            List<EmailAddress> parsed = new ArrayList<>();
            for (String email : emails) {
                try {
                    parsed.add(EmailAddress.parse(email));
                } catch (InvalidEmailException e) {
                    // nothing is added when one address is wrong: the command can simply be run again
                    throw new InvalidEmailException("'" + email + "': " + e.getMessage() + " Nothing was added.");
                }
            }
            try (Paperboy paperboy = Environment.open()) {
                refuseErased(paperboy, parsed);
                SubscriberStatus status = confirmed ? SubscriberStatus.ACTIVE : SubscriberStatus.PENDING;
                int added = 0;
                for (EmailAddress email : parsed) {
                    Optional<Subscriber> result = paperboy.subscribers().addIfAbsent(email, status,
                            Subscriber.Consent.byOperator(paperboy.clock().instant(), "cli"));
                    if (result.isPresent()) {
                        if (!preferences.equals(Preferences.DEFAULT)) {
                            paperboy.subscribers().updatePreferences(result.get().id(), preferences);
                        }
                        added++;
                        out.println("added " + email + " (" + status.dbValue() + ")");
                    } else {
                        out.println("already on the list: " + email + " ("
                                + paperboy.subscribers().findByEmail(email).map(s -> s.status().dbValue()).orElse("?") + ")");
                    }
                }
                out.println(added + " added, " + (parsed.size() - added) + " already on the list");
                return Main.OK;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Unsubscribe addresses: they receive nothing more, and their record is kept as proof.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "EMAIL", arity = "1..*")
        List<String> emails;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Paperboy paperboy = Environment.open()) {
                int missing = 0;
                for (String raw : emails) {
                    EmailAddress email = EmailAddress.parse(raw);
                    Optional<Subscriber> found = paperboy.subscribers().findByEmail(email);
                    if (found.isEmpty()) {
                        out.println("not on the list: " + email);
                        missing++;
                    } else if (paperboy.subscribers().setStatus(found.get().id(), SubscriberStatus.UNSUBSCRIBED)) {
                        out.println("unsubscribed " + email);
                    } else {
                        out.println("already unsubscribed: " + email);
                    }
                }
                return missing == 0 ? Main.OK : Main.FAILURE;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List subscribers.")
    static final class ListAll implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--status", description = "only this status: pending, active, unsubscribed, bounced, suppressed")
        String status;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            SubscriberStatus filter;
            try {
                filter = status == null ? null : SubscriberStatus.parse(status);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            try (Paperboy paperboy = Environment.open()) {
                int[] count = {0};
                paperboy.subscribers().forEach(filter, s -> {
                    out.printf("%-40s %-12s %-7s %s%n", s.email(), s.status().dbValue(),
                            s.preferences().frequency().dbValue(), s.createdAt());
                    count[0]++;
                });
                out.println(count[0] + " subscriber" + (count[0] == 1 ? "" : "s"));
                return Main.OK;
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Import subscribers from a CSV file with a header row; the 'email' column is required,",
                    "'topics' (separated by ';') and 'timezone' (IANA, e.g. Asia/Kolkata) are read when present.",
                    "Every row is checked first: one bad row and nothing is imported."})
    static final class ImportCsv implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE.csv")
        Path file;

        @Option(names = "--confirmed", description = "import as active (consent already given elsewhere)")
        boolean confirmed;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.isReadable(file)) {
                throw new UsageException("cannot read " + file);
            }
            byte[] content = Files.readAllBytes(file);
            try (Paperboy paperboy = Environment.open()) {
                int[] counts = importCsv(paperboy, file.toString(), content, confirmed);
                SubscriberStatus status = confirmed ? SubscriberStatus.ACTIVE : SubscriberStatus.PENDING;
                out.printf("%d imported as %s, %d already on the list%n", counts[0], status.dbValue(), counts[1]);
                return Main.OK;
            }
        }
    }

    /**
     * Checks every row of a CSV file, then adds those not on the list yet with their topics and time
     * zone; returns how many were added and how many were on the list already.
     *
     * @throws UsageException when a row is bad or the file is not CSV: nothing is added then
     */
    static int[] importCsv(Paperboy paperboy, String name, byte[] content, boolean confirmed) {
        List<SubscriberCsv.Row> rows = SubscriberCsv.read(name, content);
        refuseErased(paperboy, rows.stream().map(SubscriberCsv.Row::email).toList());
        SubscriberStatus status = confirmed ? SubscriberStatus.ACTIVE : SubscriberStatus.PENDING;
        int added = 0;
        for (SubscriberCsv.Row row : rows) {
            Optional<Subscriber> result = paperboy.subscribers().addIfAbsent(row.email(), status,
                    Subscriber.Consent.byOperator(paperboy.clock().instant(), "csv-import"));
            if (result.isPresent()) {
                if (row.hasPreferences()) {
                    paperboy.subscribers().updatePreferences(result.get().id(), row.preferences());
                }
                added++;
            }
        }
        return new int[] {added, rows.size() - added};
    }

    /** Writes every subscriber to {@code out} as CSV. */
    static void exportAll(Paperboy paperboy, java.io.Writer out) {
        try (SubscriberCsv.Export export = SubscriberCsv.export(out)) {
            paperboy.subscribers().forEach(null, export::write);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Print every subscriber as CSV.")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Paperboy paperboy = Environment.open()) {
                exportAll(paperboy, out);
                out.flush();
                return Main.OK;
            }
        }
    }
}
