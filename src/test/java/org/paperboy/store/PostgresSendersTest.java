package org.paperboy.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.delivery.DeliveryLedger;
import org.paperboy.delivery.Edition;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.delivery.SendReport;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.PostgresDatabase;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/** PostgreSQL as the store: the same migrations, and two nodes sending one edition without a duplicate. */
class PostgresSendersTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    @Test
    void twoNodesOnOneDatabaseSendEachDeliveryOnce() throws Exception {
        int subscribers = 900; // more than two claims of 400: both nodes make rows for the same subscribers at once
        LocalDate date = LocalDate.parse("2026-11-26");
        try (PostgresDatabase postgres = new PostgresDatabase()) {
            Settings settings = TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort())
                    .with("DB_URL", postgres.url()).with("DB_USER", PostgresDatabase.USER).with("DB_PASSWORD", "")
                    .with("SEND_CONNECTIONS", "2").build();
            try (Paperboy nodeA = Paperboy.open(settings, Clock.systemUTC());
                 Paperboy nodeB = Paperboy.open(settings, Clock.systemUTC())) {
                assertThat(nodeA.database().vendor()).isEqualTo(Database.Vendor.POSTGRESQL);
                nodeA.papers().upsert(SamplePapers.ranked(10, nodeA.clock().instant()));
                for (int i = 0; i < subscribers; i++) {
                    nodeA.subscribers().addIfAbsent(EmailAddress.parse("reader" + i + "@example.org"),
                            SubscriberStatus.ACTIVE, Subscriber.Consent.byOperator(nodeA.clock().instant(), "test"));
                }

                CompletableFuture<SendReport> a = CompletableFuture.supplyAsync(
                        () -> nodeA.sender().send(date, SendMode.MANUAL, ProgressListener.NONE));
                CompletableFuture<SendReport> b = CompletableFuture.supplyAsync(
                        () -> nodeB.sender().send(date, SendMode.MANUAL, ProgressListener.NONE));
                SendReport reportA = a.get();
                SendReport reportB = b.get();

                assertThat(reportA.sentNow() + reportB.sentNow()).isEqualTo(subscribers);
                assertThat(reportA.ledger().get(DeliveryLedger.State.SENT) + 0).isEqualTo(subscribers);
                assertThat(nodeB.editions().list(5)).hasSize(1).first().extracting(Edition::status)
                        .isEqualTo(Edition.Status.SENT);
            }
        }
        Map<String, Long> perRecipient = Arrays.stream(greenMail.getReceivedMessages())
                .map(m -> {
                    try {
                        return m.getAllRecipients()[0].toString();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(perRecipient).hasSize(subscribers);
        assertThat(List.copyOf(perRecipient.values())).containsOnly(1L);
    }

    @Test
    void readersWithTopicsGetTheirOwnSelectionStoredInPostgres() throws Exception {
        LocalDate date = LocalDate.parse("2026-11-26");
        try (PostgresDatabase postgres = new PostgresDatabase()) {
            Settings settings = TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort())
                    .with("DB_URL", postgres.url()).with("DB_USER", PostgresDatabase.USER).with("DB_PASSWORD", "")
                    .build();
            try (Paperboy node = Paperboy.open(settings, Clock.systemUTC())) {
                java.time.Instant now = node.clock().instant();
                List<org.paperboy.papers.Paper> papers = new java.util.ArrayList<>(SamplePapers.ranked(12, now));
                papers.add(SamplePapers.paper("2611.90001", "Dexterous robot manipulation from human videos", 3, 0, 40,
                        now.minus(java.time.Duration.ofHours(1))));
                papers.add(SamplePapers.paper("2611.90002", "Diffusion models for protein design", 2, 0, 41,
                        now.minus(java.time.Duration.ofHours(1))));
                node.papers().upsert(papers);
                subscribe(node, "ada@example.org", "robots");
                subscribe(node, "alan@example.org", "protein diffusion");
                subscribe(node, "grace@example.org");

                SendReport report = node.sender().send(date, SendMode.MANUAL, ProgressListener.NONE);

                assertThat(report.sentNow()).isEqualTo(3);
                Edition edition = node.editions().find(date).orElseThrow();
                // Ada's and Alan's lists, each stored once and known by the ids the database gave them
                assertThat(node.selections().forEdition(edition.id())).hasSize(2);
            }
        }
        assertThat(firstPaperTo("ada@example.org")).isEqualTo("Dexterous robot manipulation from human videos");
        assertThat(firstPaperTo("alan@example.org")).isEqualTo("Diffusion models for protein design");
        assertThat(firstPaperTo("grace@example.org")).isEqualTo("Paper number 1");
    }

    private static void subscribe(Paperboy node, String email, String... topics) {
        Subscriber s = node.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                Subscriber.Consent.byOperator(node.clock().instant(), "test")).orElseThrow();
        if (topics.length > 0) {
            node.subscribers().updatePreferences(s.id(), new org.paperboy.subscriptions.Preferences(null,
                    org.paperboy.subscriptions.Frequency.DAILY, null, null, List.of(topics)));
        }
    }

    /** The title numbered 1 in the text part of the message to {@code email}. */
    private static String firstPaperTo(String email) throws Exception {
        for (jakarta.mail.internet.MimeMessage m : greenMail.getReceivedMessages()) {
            if (m.getAllRecipients()[0].toString().equals(email)) {
                String text = (String) ((jakarta.mail.internet.MimeMultipart) m.getContent()).getBodyPart(0).getContent();
                java.util.regex.Matcher first = java.util.regex.Pattern.compile("(?m)^1\\. (.+)$").matcher(text);
                assertThat(first.find()).as(text).isTrue();
                return first.group(1).strip();
            }
        }
        throw new AssertionError("no message to " + email);
    }
}
