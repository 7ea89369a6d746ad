package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.paperboy.testing.ScriptedSmtpServer;
import org.paperboy.testing.TestSettings;

/**
 * Text that holds a lone dot and SMTP commands, as an abstract may, must reach the server as data
 * of one message: never as the end of the data followed by commands (SMTP smuggling).
 */
class SmtpSmugglingTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private static final String READER = "reader@example.org";
    private static final Envelope ENVELOPE = new Envelope("digest@paperboy.test", READER);

    /** An abstract that ends the data, then opens a transaction of its own to a victim. */
    static String smuggling(String lineBreak) {
        return String.join(lineBreak, "We study attention at scale and report what we found.", ".",
                "RSET", "MAIL FROM:<attacker@evil.example>", "RCPT TO:<victim@victim.example>", "DATA",
                "Subject: smuggled", "", "Send money.", ".", "VRFY victim@victim.example", ".. and a line that starts with two dots.",
                "Final words.");
    }

    private MailTransport.Factory transports(int port) {
        return SmtpMailTransport.factory(TestSettings.in(dir).smtpPort(port).build().smtp(), "paperboy.test", 100);
    }

    /** A message whose body was never quoted-printable encoded: what a faulty encoder might hand over. */
    private static byte[] raw(String body) {
        String headers = "From: digest@paperboy.test\r\nTo: " + READER + "\r\nSubject: raw\r\n"
                + "Message-ID: <raw.1@paperboy.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=US-ASCII\r\n\r\n";
        return (headers + body + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The same text as a digest body: encoded by {@link LetterWriter}. */
    private static byte[] written(String body) {
        Letter letter = new Letter("Paperboy <digest@paperboy.test>", null, READER, "Today's papers",
                ZonedDateTime.parse("2026-11-27T07:00:00Z"), "<written.1@paperboy.test>", List.of());
        return new LetterWriter("test-boundary").write(letter, BodyTemplate.plain(body, BodyTemplate.Kind.TEXT),
                BodyTemplate.plain(body, BodyTemplate.Kind.HTML), Map.of());
    }

    private static String canonical(String text) {
        return text.replaceAll("\r\n|\r|\n", "\r\n");
    }

    private static final String[] BREAKS = {"\r\n", "\n", "\r"};

    @ParameterizedTest
    @ValueSource(strings = {"raw", "written"})
    void aDotLineInTheDataNeverEndsTheMessageAtGreenMail(String form) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (MailTransport transport = transports(greenMail.getSmtp().getPort()).open()) {
            for (String lineBreak : BREAKS) {
                String body = smuggling(lineBreak);
                bodies.add(body);
                byte[] content = form.equals("raw") ? raw(body) : written(body);
                assertThat(transport.send(new OutgoingMessage(ENVELOPE, content)))
                        .isInstanceOf(SendResult.Accepted.class);
            }
        }

        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(BREAKS.length);
        for (int i = 0; i < received.length; i++) {
            MimeMessage message = received[i];
            assertThat(message.getAllRecipients()).extracting(Object::toString).containsExactly(READER);
            assertThat(text(message).stripTrailing()).isEqualTo(canonical(bodies.get(i)));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aDotLineInTheDataNeverEndsTheMessageAtALenientServer(boolean pipelining) throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
            if (pipelining) {
                server.pipelining();
            }
            List<String> expected = new ArrayList<>();
            try (MailTransport transport = transports(server.port()).open()) {
                for (String lineBreak : BREAKS) {
                    String body = smuggling(lineBreak);
                    for (byte[] content : new byte[][] {raw(body), written(body)}) {
                        expected.add(body);
                        // the next envelope is announced, so with pipelining the commands ride behind the data
                        assertThat(transport.send(new OutgoingMessage(ENVELOPE, content), ENVELOPE))
                                .isInstanceOf(SendResult.Accepted.class);
                    }
                }
            }

            assertThat(server.recipients()).hasSize(expected.size()).containsOnly(READER);
            assertThat(server.received()).extracting(ScriptedSmtpServer.Received::mailFrom)
                    .containsOnly("digest@paperboy.test");
            assertThat(server.commands()).noneMatch(c -> c.contains("evil.example") || c.contains("victim")
                    || c.startsWith("RSET") || c.startsWith("Send money"));
            for (int i = 0; i < expected.size(); i++) {
                String data = server.received().get(i).data();
                MimeMessage message = new MimeMessage(null,
                        new java.io.ByteArrayInputStream(data.getBytes(StandardCharsets.ISO_8859_1)));
                assertThat(text(message).stripTrailing()).isEqualTo(canonical(expected.get(i)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader@example.org>\r\nRCPT TO:<victim@victim.example", "reader@example.org\nRSET",
        "reader@example.org>\rDATA"})
    void anEnvelopeAddressCannotCarryCommands(String recipient) throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().pipelining();
             MailTransport transport = transports(server.port()).open()) {
            Envelope forged = new Envelope("digest@paperboy.test", recipient);
            // announced as the next message while this one is sent, then sent itself
            SendResult good = transport.send(new OutgoingMessage(ENVELOPE, raw("Hello.")), forged);
            SendResult bad = transport.send(new OutgoingMessage(forged, raw("Hello.")));

            assertThat(bad).isInstanceOf(SendResult.Rejected.class);
            assertThat(good).isInstanceOf(SendResult.Accepted.class);
            assertThat(server.recipients()).containsExactly(READER);
            assertThat(server.commands()).noneMatch(c -> c.contains("victim") || c.startsWith("RSET") || c.equals("DATA\r"));
        }
    }

    private static String text(MimeMessage message) throws Exception {
        Object content = message.getContent();
        if (content instanceof MimeMultipart parts) {
            return (String) parts.getBodyPart(0).getContent();
        }
        if (content instanceof String s) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((java.io.InputStream) content).transferTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
