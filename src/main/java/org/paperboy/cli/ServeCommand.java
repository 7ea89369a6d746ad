package org.paperboy.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.schedule.Scheduling;
import org.paperboy.web.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the web pages, the admin API and the scheduler (ingest, digest and retry jobs) until stopped.",
                "SIGTERM or Ctrl-C: no new requests, requests and messages in flight finish, unsent claims go back",
                "to the queue, then it exits."})
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
        scheduling.start();
        WebServer web = WebServer.start(paperboy, scheduling, settings.web().port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // first: the send stops after the messages in flight and gives its claims back at once
            paperboy.sender().requestStop();
            web.close();
            scheduling.close();
            paperboy.close();
            stopped.countDown();
        }, "serve-shutdown"));
        out.printf("Paperboy is running: pages on port %d (%s), digest '%s', ingest '%s' (%s); next digest at %s%n",
                web.port(), settings.web().baseUrl(), settings.digest().cron(), settings.digest().ingestCron(),
                settings.digest().timezone(), scheduling.nextDigest().map(Object::toString).orElse("(none)"));
        out.flush();
        stopped.await();
        return Main.OK;
    }
}
