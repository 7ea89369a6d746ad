package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.papers.ImportReport;
import org.paperboy.papers.PaperFormat;
import org.paperboy.papers.PaperImporter;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/** Paper text and links come from the internet: in a message they are text, never structure. */
class PaperDataInMessagesTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    static final LocalDate DAY = LocalDate.parse("2026-11-26");
    static final List<String> READERS = List.of("ada@example.org", "alan@example.org", "grace@example.org");

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    Paperboy paperboy;

    @BeforeEach
    void open() {
        paperboy = Paperboy.open(TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort()).build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(5, clock.instant()));
        for (String email : READERS) {
            paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                    Subscriber.Consent.byOperator(clock.instant(), "test"));
        }
    }

    @AfterEach
    void close() {
        paperboy.close();
    }

    /** Imports one JSONL record that ranks first (the most upvotes of the day). */
    private void importLeadPaper(String fields) throws Exception {
        Path file = dir.resolve("lead.jsonl");
        Files.writeString(file, "{\"id\": \"2611.09999\", " + fields + ", \"url\": \"https://huggingface.co/papers/2611.09999\", "
                + "\"featured_at\": \"2026-11-26T06:00:00Z\", \"upvotes\": 9000, \"source_rank\": 1}\n", StandardCharsets.UTF_8);
        ImportReport report = new PaperImporter(paperboy.papers()).importFiles(List.of(file), PaperFormat.JSONL);
        assertThat(report.problems()).isEmpty();
    }

    private SendReport send() {
        return paperboy.sender().send(DAY, SendMode.MANUAL, ProgressListener.NONE);
    }

    record Delivered(String to, String subject, String text, String html, String unsubscribe) {
    }

    private static List<Delivered> delivered() throws Exception {
        List<Delivered> out = new ArrayList<>();
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            MimeMultipart body = (MimeMultipart) m.getContent();
            out.add(new Delivered(m.getRecipients(Message.RecipientType.TO)[0].toString(), m.getSubject(),
                    ((String) body.getBodyPart(0).getContent()).replace("\r\n", "\n"), (String) body.getBodyPart(1).getContent(),
                    m.getHeader("List-Unsubscribe")[0].replaceAll("[<>]", "")));
        }
        return out;
    }

    @Test
    void placeholdersInACodeLinkLeakNoReadersAddressOrUnsubscribeLink() throws Exception {
        String evil = "https://evil.example/c?e=@@paperboy.email@@&u=@@paperboy.unsubscribeUrl@@";
        importLeadPaper("\"title\": \"Sparse experts at scale\", \"code_url\": \"" + evil + "\"");

        SendReport report = send();

        assertThat(report.sentNow()).isEqualTo(READERS.size());
        List<Delivered> messages = delivered();
        assertThat(messages).extracting(Delivered::to).containsExactlyInAnyOrderElementsOf(READERS);
        for (Delivered message : messages) {
            assertThat(message.text()).contains("Code: " + evil);
            assertThat(message.html()).contains("href=\"" + evil.replace("&", "&amp;") + "\"");
            for (String reader : READERS) {
                assertThat(message.text() + message.html()).doesNotContain("e=" + reader);
            }
            assertThat(message.text() + message.html()).doesNotContain("u=https://").doesNotContain("u=" + message.unsubscribe());
            // the reader's own values are still filled in where the template puts them
            assertThat(message.text()).contains("Unsubscribe: " + message.unsubscribe(),
                    "You receive this because " + message.to() + " subscribed");
        }
    }

    @Test
    void aTitleThatLooksLikeAPlaceholderIsDeliveredVerbatimToEveryone() throws Exception {
        String title = "Attention @@paperboy.x@@ is @@paperboy.email@@ all you need";
        importLeadPaper("\"title\": \"" + title + "\"");

        SendReport report = send();

        assertThat(report.sentNow()).isEqualTo(READERS.size());
        assertThat(report.hadFailures()).isFalse();
        List<Delivered> messages = delivered();
        assertThat(messages).hasSize(READERS.size());
        for (Delivered message : messages) {
            assertThat(message.subject()).endsWith(title);
            assertThat(message.text()).contains("1. " + title);
            assertThat(message.html()).contains(title);
        }
    }

    @Test
    void aTitleWithLineBreaksCannotAddHeadersOrRecipients() throws Exception {
        paperboy.papers().upsert(List.of(new org.paperboy.papers.Paper(null, "2611.08888",
                "Honest title\r\nBcc: victim@victim.example\r\n\r\nforged body\u2028Cc: other@victim.example",
                "Abstract.", null, List.of("Eve"), List.of(), "https://huggingface.co/papers/2611.08888", null, null,
                "cs.LG", clock.instant().minusSeconds(7200), clock.instant().minusSeconds(3600), 9000, 0,
                "huggingface", 1, clock.instant())));

        assertThat(send().sentNow()).isEqualTo(READERS.size());

        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(READERS.size());
        for (MimeMessage message : received) {
            assertThat(message.getAllRecipients()).hasSize(1);
            assertThat(message.getHeader("Bcc")).isNull();
            assertThat(message.getHeader("Cc")).isNull();
            assertThat(message.getSubject()).contains("Honest title Bcc: victim@victim.example forged body");
        }
    }

    @Test
    void anAbstractWhoseFullStopLandsAtColumn75KeepsItsDot() throws Exception {
        // a real-looking Hugging Face abstract, 223 characters: in the text template its final dot
        // falls on column 75 of the third line of its quoted-printable encoding
        String summary = "Large language models can follow instructions, but they still make arithmetic errors. "
                + "We present a verifier that checks each intermediate step and improves accuracy on every benchmark "
                + "we tried, at little extra cost in time.";
        assertThat(summary).hasSize(223);
        importLeadPaper("\"title\": \"Step-checked reasoning\", \"summary\": \"" + summary + "\"");

        assertThat(send().sentNow()).isEqualTo(READERS.size());

        for (Delivered message : delivered()) {
            assertThat(message.text()).contains("   " + summary + "\n").contains("Unsubscribe: " + message.unsubscribe());
        }
    }
}
