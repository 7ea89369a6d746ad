package org.paperboy.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code paperboy <command>}: exit 0 on success, 1 on a runtime failure, 2 on a usage or configuration error. */
@Command(name = "paperboy", mixinStandardHelpOptions = true, version = "Paperboy 0.1.0",
        description = "A self-hosted daily email digest of trending research papers.",
        subcommands = {DemoCommand.class, ServeCommand.class, SendCommand.class, ImportCommand.class,
                FetchCommand.class, PapersCommand.class, SubscribersCommand.class, EditionsCommand.class, BouncesCommand.class,
                BackupCommand.class, DkimCommand.class,
                PreviewCommand.class, TemplatesCommand.class, CommandLine.HelpCommand.class})
public final class Main extends CommandGroup {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; the exit code is returned, not used to exit (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new Failures());
        return cli.execute(args);
    }
}
