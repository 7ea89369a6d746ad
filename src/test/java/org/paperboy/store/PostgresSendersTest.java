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
}
