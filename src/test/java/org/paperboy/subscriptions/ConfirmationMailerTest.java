package org.paperboy.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.config.Settings;
import org.paperboy.mail.SmtpMailTransport;
import org.paperboy.templates.TemplateSet;
import org.paperboy.testing.TestSettings;

class ConfirmationMailerTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    @Test
    void textInTheMessageThatLooksLikeASlotIsSentAsItIs() throws Exception {
        String name = "Papers @@paperboy.email@@ and @@paperboy.x@@";
        Settings settings = TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort()).with("LIST_NAME", name).build();
        ConfirmationMailer mailer = new ConfirmationMailer(new TemplateSet(dir.resolve("templates")), settings.mail(),
                "https://papers.example.org", SmtpMailTransport.factory(settings.smtp(), "paperboy.test", 10),
                ZoneOffset.UTC, Clock.fixed(Instant.parse("2026-11-27T07:00:00Z"), ZoneOffset.UTC));

        boolean sent = mailer.send("ada@example.org", new ConfirmationMailer.Links(
                "https://papers.example.org/confirm?token=c.1", null, null));

        assertThat(sent).isTrue();
        MimeMessage message = greenMail.getReceivedMessages()[0];
        MimeMultipart body = (MimeMultipart) message.getContent();
        assertThat((String) body.getBodyPart(0).getContent()).contains(name, "https://papers.example.org/confirm?token=c.1");
        assertThat((String) body.getBodyPart(1).getContent()).contains(name);
    }
}
