package org.paperboy.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.schedule.Scheduling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the scheduler (ingest, digest and retry jobs) until stopped.",
                "SIGTERM or Ctrl-C: messages in flight finish, unsent claims go back to the queue, then it exits."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = Environment.settings();
        Paperboy paperboy = Paperboy.open(settings, Clock.systemUTC());
        paperboy.links(); // refuses to start without a usable secret
        Scheduling scheduling = paperboy.scheduling(() -> FetchCommand.fetch(paperboy, settings.sources().enabled()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            paperboy.sender().requestStop();
            scheduling.close();
            paperboy.close();
            stopped.countDown();
        }, "serve-shutdown"));
        scheduling.start();
        out.printf("Paperboy is running: digest '%s', ingest '%s' (%s); next digest at %s%n",
                settings.digest().cron(), settings.digest().ingestCron(), settings.digest().timezone(),
                scheduling.nextDigest().map(Object::toString).orElse("(none)"));
        out.flush();
        stopped.await();
        return Main.OK;
    }
}
