package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

class EditionSenderTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    Paperboy paperboy;

    @BeforeEach
    void open() {
        paperboy = Paperboy.open(TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort()).build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
    }

    @AfterEach
    void close() {
        paperboy.close();
    }

    private void subscribe(String... emails) {
        for (String email : emails) {
            paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                    Subscriber.Consent.byOperator(clock.instant(), "test"));
        }
    }

    @Test
    void aSecondScheduledRunOfASentEditionLeavesItSentAndUntouched() {
        subscribe("ada@example.org", "alan@example.org");
        LocalDate date = LocalDate.parse("2026-11-26");
        paperboy.sender().send(date, SendMode.SCHEDULED, ProgressListener.NONE);
        Edition sent = paperboy.editions().find(date).orElseThrow();
        assertThat(sent.status()).isEqualTo(Edition.Status.SENT);
        clock.advance(java.time.Duration.ofHours(1));

        // the digest job fired again: another node's catch-up, a second trigger
        SendReport again = paperboy.sender().send(date, SendMode.SCHEDULED, ProgressListener.NONE);

        assertThat(again.sentNow()).isZero();
        assertThat(paperboy.editions().find(date)).contains(sent); // same status, same finish time
        assertThat(greenMail.getReceivedMessages()).hasSize(2);
    }

    @Test
    void deliversOneMessagePerSubscriberWithEveryListHeader() throws Exception {
        subscribe("ada@example.org", "alan@example.org", "grace@example.org");

        SendReport report = paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL, ProgressListener.NONE);

        assertThat(report.sentNow()).isEqualTo(3);
        assertThat(report.hadFailures()).isFalse();
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(3);
        assertThat(Arrays.stream(received).map(m -> recipient(m)).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("ada@example.org", "alan@example.org", "grace@example.org");
        MimeMessage message = received[0];
        assertThat(message.getFrom()[0].toString()).isEqualTo("Paperboy <digest@paperboy.test>");
        assertThat(message.getSubject()).startsWith("Paperboy daily papers · 26 Nov 2026: Paper number 1");
        assertThat(message.getSentDate()).isNotNull();
        assertThat(message.getHeader("Message-ID")[0]).matches("<2026-11-26\\.\\d+\\.e\\d+\\.[0-9a-f]+@paperboy\\.test>");
        assertThat(message.getHeader("List-Id")[0]).isEqualTo("Paperboy daily papers <paperboy.papers.example.org>");
        assertThat(message.getHeader("List-Unsubscribe")[0])
                .matches("<https://papers\\.example\\.org/unsubscribe\\?token=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+>");
        assertThat(message.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
        MimeMultipart body = (MimeMultipart) message.getContent();
        assertThat(body.getContentType()).startsWith("multipart/alternative");
        assertThat(body.getCount()).isEqualTo(2);
        assertThat(body.getBodyPart(0).getContentType()).startsWith("text/plain; charset=UTF-8");
        assertThat(body.getBodyPart(1).getContentType()).startsWith("text/html; charset=UTF-8");
        String text = (String) body.getBodyPart(0).getContent();
        String html = (String) body.getBodyPart(1).getContent();
        String unsubscribe = message.getHeader("List-Unsubscribe")[0].replaceAll("[<>]", "");
        assertThat(text).contains("1. Paper number 1", "10. Paper number 10").doesNotContain("Paper number 11");
        assertThat(text).contains("Unsubscribe: " + unsubscribe, "Paperboy Ltd, 1 Test Street, Testville");
        assertThat(html).contains("href=\"" + unsubscribe + "\"", "/preferences?token=", "Paperboy Ltd, 1 Test Street");
        assertThat(html).contains(recipient(message));
    }

    @Test
    void secondSendOfTheSameEditionDeliversNothingNew() throws Exception {
        subscribe("ada@example.org", "alan@example.org");
        LocalDate date = LocalDate.parse("2026-11-26");
        paperboy.sender().send(date, SendMode.MANUAL, ProgressListener.NONE);

        SendReport again = paperboy.sender().send(date, SendMode.MANUAL, ProgressListener.NONE);

        assertThat(again.sentNow()).isZero();
        assertThat(greenMail.getReceivedMessages()).hasSize(2);
        assertThat(paperboy.editions().find(date).orElseThrow().status()).isEqualTo(Edition.Status.SENT);
    }

    @Test
    void messageIdIsTheOneStoredInTheLedger() throws Exception {
        subscribe("ada@example.org");
        LocalDate date = LocalDate.parse("2026-11-26");
        SendReport report = paperboy.sender().send(date, SendMode.MANUAL, ProgressListener.NONE);

        String stored = paperboy.database().withConnection(c -> {
            try (var rs = c.createStatement().executeQuery("select message_id from deliveries")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(greenMail.getReceivedMessages()[0].getMessageID()).isEqualTo(stored);
        assertThat(report.ledger().get(DeliveryLedger.State.SENT)).isEqualTo(1);
    }

    @Test
    void aSubscriberWhoJoinsLaterGetsTheEditionOnTheNextRunAndNobodyElseAgain() throws Exception {
        subscribe("ada@example.org");
        LocalDate date = LocalDate.parse("2026-11-26");
        paperboy.sender().send(date, SendMode.MANUAL, ProgressListener.NONE);
        subscribe("late@example.org");

        SendReport second = paperboy.sender().send(date, SendMode.MANUAL, ProgressListener.NONE);

        assertThat(second.sentNow()).isEqualTo(1);
        assertThat(Arrays.stream(greenMail.getReceivedMessages()).map(EditionSenderTest::recipient).toList())
                .containsExactlyInAnyOrder("ada@example.org", "late@example.org");
    }

    @Test
    void unsubscribedAndPendingPeopleReceiveNothing() throws Exception {
        subscribe("ada@example.org", "gone@example.org");
        paperboy.subscribers().addIfAbsent(EmailAddress.parse("pending@example.org"), SubscriberStatus.PENDING,
                Subscriber.Consent.byOperator(clock.instant(), "test"));
        long gone = paperboy.subscribers().findByEmail(EmailAddress.parse("gone@example.org")).orElseThrow().id();
        paperboy.subscribers().setStatus(gone, SubscriberStatus.UNSUBSCRIBED);

        paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL, ProgressListener.NONE);

        assertThat(Arrays.stream(greenMail.getReceivedMessages()).map(EditionSenderTest::recipient).toList())
                .containsExactly("ada@example.org");
    }

    @Test
    void theDigestOfReadersWhoChoseNoSizeIsRenderedAtTheDefaultSizeBeforeAnythingIsSent() {
        subscribe("ada@example.org");
        Edition edition = paperboy.sender().edition(LocalDate.parse("2026-11-26"));

        DeliveryLedger.Outstanding outstanding = paperboy.ledger().outstanding(edition, 10, DueZones.EVERYONE);

        // not a digest of no papers (the size column is null for them)
        assertThat(outstanding.variants()).containsExactly(new DeliveryLedger.Variant(Edition.Selection.DAILY, 10));
        assertThat(outstanding.notQueued()).isEqualTo(1);
    }

    @Test
    void aTemplateThatDoesNotRenderStopsTheEditionBeforeAnyMessage() throws Exception {
        subscribe("ada@example.org", "alan@example.org");
        java.nio.file.Files.createDirectories(dir.resolve("templates"));
        java.nio.file.Files.writeString(dir.resolve("templates/digest.html"),
                "<html>\n<body>\n<p th:text=\"${papers[0].title.nonsense()}\">x</p>\n</body>\n</html>\n");
        LocalDate date = LocalDate.parse("2026-11-26");

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> paperboy.sender().send(date, SendMode.MANUAL, ProgressListener.NONE))
                .isInstanceOf(EditionFailedException.class)
                .hasMessageContaining(dir.resolve("templates/digest.html") + ":3:");

        assertThat(greenMail.getReceivedMessages()).isEmpty();
        Edition edition = paperboy.editions().find(date).orElseThrow();
        assertThat(edition.status()).isEqualTo(Edition.Status.FAILED);
        assertThat(edition.lastError()).contains("digest.html:3:");
        assertThat(paperboy.ledger().progress(edition).get(DeliveryLedger.State.SENT)).isZero();

        // fixed: the same edition goes out to everyone
        java.nio.file.Files.delete(dir.resolve("templates/digest.html"));
        SendReport fixed = paperboy.sender().send(date, SendMode.MANUAL, ProgressListener.NONE);
        assertThat(fixed.sentNow()).isEqualTo(2);
        assertThat(paperboy.editions().find(date).orElseThrow().status()).isEqualTo(Edition.Status.SENT);
    }

    @Test
    void aDryRunRendersEveryDigestAndSendsAndStoresNothing() throws Exception {
        subscribe("ada@example.org", "alan@example.org");
        LocalDate date = LocalDate.parse("2026-11-26");

        EditionSender.DryRun dry = paperboy.sender().dryRun(date);

        assertThat(dry.activeSubscribers()).isEqualTo(2);
        assertThat(dry.papers()).isEqualTo(12);
        assertThat(dry.digestsRendered()).isEqualTo(44);
        assertThat(dry.subject()).isEqualTo("Paperboy daily papers · 26 Nov 2026: Paper number 1");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
        assertThat(paperboy.editions().find(date)).isEmpty();

        java.nio.file.Files.createDirectories(dir.resolve("templates"));
        java.nio.file.Files.writeString(dir.resolve("templates/digest.txt"), "[(${papers[30].title})]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> paperboy.sender().dryRun(date))
                .isInstanceOf(EditionFailedException.class).hasMessageContaining("digest.txt");
        assertThat(paperboy.editions().find(date)).isEmpty();
    }

    static String recipient(Message m) {
        try {
            return m.getRecipients(Message.RecipientType.TO)[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
