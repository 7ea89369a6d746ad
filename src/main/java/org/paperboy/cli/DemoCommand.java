package org.paperboy.cli;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.paperboy.Paperboy;
import org.paperboy.config.SettingKey;
import org.paperboy.config.Settings;
import org.paperboy.delivery.DeliveryLedger;
import org.paperboy.delivery.Edition;
import org.paperboy.papers.ImportReport;
import org.paperboy.papers.PaperImporter;
import org.paperboy.schedule.Scheduling;
import org.paperboy.store.PrivateFiles;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Frequency;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.web.Inbox;
import org.paperboy.web.WebLimits;
import org.paperboy.web.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole pipeline on embedded defaults: a fresh database under --out, the bundled sample papers,",
                "three sample subscribers, an embedded SMTP server, the digest job fired through the real scheduler,",
                "and every delivered message saved under OUT/outbox as .eml and .html.",
                "With --serve the web pages and an inbox of the caught mail stay up until Ctrl-C."})
final class DemoCommand implements Callable<Integer> {

    static final List<String> SAMPLE_SUBSCRIBERS = List.of("ada@example.org", "alan@example.org", "grace@example.org");
    /** The sample readers' topics: two readers, two different digests. */
    static final Map<String, List<String>> SAMPLE_TOPICS = Map.of(
            "ada@example.org", List.of("knowledge distillation"),
            "alan@example.org", List.of("stock price prediction", "reinforcement learning"));

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "demo", description = "where the demo keeps its database and outbox (default: ${DEFAULT-VALUE})")
    Path outDir;

    @Option(names = "--serve", description = "keep the web pages and the inbox running on localhost")
    boolean serve;

    @Option(names = "--port", defaultValue = "8080", description = "web port with --serve (default: ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = outDir.toAbsolutePath().normalize();
        Path outbox = dir.resolve("outbox");
        freshDirectory(dir, outbox);
        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        try {
            int smtpPort = smtp.getSmtp().getPort();
            String adminToken = randomSecret();
            Map<SettingKey, String> overrides = new java.util.HashMap<>(Map.of(
                    SettingKey.DB_URL, "jdbc:h2:file:" + dir.resolve("paperboy"),
                    SettingKey.SMTP_HOST, "127.0.0.1",
                    SettingKey.SMTP_PORT, Integer.toString(smtpPort),
                    SettingKey.SMTP_SECURITY, "none",
                    SettingKey.SMTP_USERNAME, "",
                    SettingKey.SECRET, randomSecret(),
                    SettingKey.SOURCES, ""));
            // the demo's readers get their digest now, whatever the hour: their morning starts at midnight
            overrides.put(SettingKey.DELIVERY_TIME, "00:00");
            if (serve) {
                // the links in the demo's mail must lead to the pages it serves
                overrides.put(SettingKey.BASE_URL, "http://localhost:" + port);
                overrides.put(SettingKey.WEB_PORT, Integer.toString(port));
                overrides.put(SettingKey.ADMIN_TOKEN, adminToken);
            }
            Settings settings = Environment.settings(overrides);
            if (serve && settings.web().host().isEmpty()) {
                // the inbox shows every caught message with its signed links: this machine only, unless asked
                overrides.put(SettingKey.WEB_HOST, "127.0.0.1");
                settings = Environment.settings(overrides);
            }
            try (Paperboy paperboy = Paperboy.open(settings, Clock.systemUTC())) {
                ImportReport imported = new PaperImporter(paperboy.papers()).importSample();
                addSampleSubscribers(paperboy);
                LocalDate date = paperboy.planner().today();
                try (Scheduling scheduling = paperboy.scheduling(() -> { })) {
                    scheduling.fireDigestAndWait(Duration.ofMinutes(5)); // starts it, then waits for one digest run
                }
                Edition edition = paperboy.editions().find(date).orElseThrow(
                        () -> new IllegalStateException("the digest job ran but no edition exists for " + date));
                Map<DeliveryLedger.State, Integer> ledger = paperboy.ledger().progress(edition);
                MimeMessage[] received = smtp.getReceivedMessages();
                List<Path> htmlFiles = saveOutbox(received, outbox);
                out.println("Paperboy demo");
                out.printf("  papers       %d imported from the bundled sample page%n", imported.inserted() + imported.updated());
                out.printf("  subscribers  %s%n", String.join(", ", SAMPLE_SUBSCRIBERS));
                out.printf("  smtp         embedded server on 127.0.0.1:%d%n", smtpPort);
                out.printf("  edition      %s sent by the scheduler's digest job: %d delivered, %d failed, %d waiting%n",
                        date, ledger.get(DeliveryLedger.State.SENT), ledger.get(DeliveryLedger.State.FAILED),
                        ledger.get(DeliveryLedger.State.QUEUED) + ledger.get(DeliveryLedger.State.DEFERRED));
                out.printf("  outbox       %d messages in %s (.eml and .html)%n", received.length, outbox);
                for (MimeMessage message : received) {
                    String to = message.getRecipients(Message.RecipientType.TO)[0].toString();
                    List<String> topics = SAMPLE_TOPICS.getOrDefault(to, List.of());
                    out.printf("  %-17s  topics: %-55s leads with: %s%n", to,
                            topics.isEmpty() ? "none (the general list)" : String.join(", ", topics),
                            message.getSubject().replaceFirst("^[^:]*: ", ""));
                }
                if (!htmlFiles.isEmpty()) {
                    out.printf("Open %s in a browser to read a digest; the .eml files open in any mail program.%n",
                            htmlFiles.get(0));
                }
                boolean allDelivered = ledger.get(DeliveryLedger.State.SENT) == SAMPLE_SUBSCRIBERS.size();
                if (serve) {
                    serveUntilStopped(paperboy, smtp, adminToken, date, out);
                }
                return allDelivered ? Main.OK : Main.FAILURE;
            }
        } finally {
            smtp.stop();
        }
    }

    private void serveUntilStopped(Paperboy paperboy, GreenMail smtp, String adminToken, LocalDate date, PrintWriter out)
            throws InterruptedException {
        WebServer web = WebServer.start(paperboy, null, port, WebLimits.DEFAULT, () -> caught(smtp));
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            web.close();
            stopped.countDown();
        }, "demo-shutdown"));
        String base = "http://localhost:" + web.port();
        out.printf("%nServing until Ctrl-C:%n");
        out.printf("  %s/                   subscribe (the confirmation email lands in the inbox)%n", base);
        out.printf("  %s/inbox              every message the demo's mail server caught%n", base);
        out.printf("  %s/editions/%s   today's edition on the web%n", base, date);
        out.printf("  %s/preview            today's digest from the templates as they are now%n", base);
        out.printf("                                        (sign in with any name and the password %s)%n", adminToken);
        out.flush();
        stopped.await();
    }

    /** The caught messages, for the inbox page. */
    static List<Inbox.Message> caught(GreenMail smtp) {
        List<Inbox.Message> messages = new java.util.ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            try {
                String html = "";
                String text = "";
                Object content = message.getContent();
                if (content instanceof MimeMultipart parts) {
                    for (int i = 0; i < parts.getCount(); i++) {
                        if (parts.getBodyPart(i).isMimeType("text/html")) {
                            html = (String) parts.getBodyPart(i).getContent();
                        } else if (parts.getBodyPart(i).isMimeType("text/plain")) {
                            text = (String) parts.getBodyPart(i).getContent();
                        }
                    }
                } else if (content instanceof String body) {
                    text = body;
                }
                messages.add(new Inbox.Message(message.getRecipients(Message.RecipientType.TO)[0].toString(),
                        message.getSubject(), html, text));
            } catch (Exception e) {
                messages.add(new Inbox.Message("?", "(unreadable message: " + e.getMessage() + ")", "", ""));
            }
        }
        return messages;
    }

    private static void addSampleSubscribers(Paperboy paperboy) {
        for (String address : SAMPLE_SUBSCRIBERS) {
            paperboy.subscribers().addIfAbsent(EmailAddress.parse(address), SubscriberStatus.ACTIVE,
                    Subscriber.Consent.byOperator(paperboy.clock().instant(), "demo"));
        }
        // one reader who prefers a shorter digest, two with topics of their own: preferences at work
        long grace = paperboy.subscribers().findByEmail(EmailAddress.parse("grace@example.org")).orElseThrow().id();
        paperboy.subscribers().updatePreferences(grace, new Preferences(5, Frequency.DAILY, null, null, List.of()));
        SAMPLE_TOPICS.forEach((address, topics) -> paperboy.subscribers().updatePreferences(
                paperboy.subscribers().findByEmail(EmailAddress.parse(address)).orElseThrow().id(),
                new Preferences(null, Frequency.DAILY, null, null, topics)));
    }

    static List<Path> saveOutbox(MimeMessage[] messages, Path outbox) throws Exception {
        PrivateFiles.createDirectories(outbox);
        PrivateFiles.restrict(outbox);
        List<Path> htmlFiles = new java.util.ArrayList<>();
        int n = 1;
        for (MimeMessage message : messages) {
            String to = message.getRecipients(Message.RecipientType.TO)[0].toString().replaceAll("[^A-Za-z0-9@._-]", "_");
            String base = String.format("%02d-%s", n++, to);
            try (OutputStream eml = Files.newOutputStream(outbox.resolve(base + ".eml"))) {
                message.writeTo(eml);
            }
            PrivateFiles.restrict(outbox.resolve(base + ".eml"));
            MimeMultipart parts = (MimeMultipart) message.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                if (parts.getBodyPart(i).isMimeType("text/html")) {
                    Path html = outbox.resolve(base + ".html");
                    Files.writeString(html, (String) parts.getBodyPart(i).getContent(), StandardCharsets.UTF_8);
                    PrivateFiles.restrict(html);
                    htmlFiles.add(html);
                }
            }
        }
        return htmlFiles;
    }

    /** A fresh demo: the old database and outbox go, nothing else in the directory is touched. */
    private static void freshDirectory(Path dir, Path outbox) throws IOException {
        PrivateFiles.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.filter(p -> p.getFileName().toString().startsWith("paperboy.")).toList()) {
                Files.delete(p);
            }
        }
        if (Files.isDirectory(outbox)) {
            try (Stream<Path> old = Files.list(outbox)) {
                for (Path p : old.filter(p -> p.toString().endsWith(".eml") || p.toString().endsWith(".html")).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
