package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.testing.ScriptedSmtpServer;
import org.slf4j.LoggerFactory;

/**
 * After an erasure the address is nowhere Paperboy wrote: not in the database file (old pages
 * included), the sent journal or any other file under the data directory, nor in the log, even
 * when the mail server quoted it in its replies and the address was stored in another case.
 */
class ErasureTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private OutputStreamAppender<ILoggingEvent> appender;

    @BeforeEach
    void captureLog() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n%ex");
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(logged);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    @AfterEach
    void stopCapture() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
    }

    @Test
    void anErasedAddressIsInNoFileUnderTheDataDirectoryNorInTheLog() throws Exception {
        AtomicBoolean greylisting = new AtomicBoolean(false);
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer().quoteRecipientOnAccept()) {
            smtp.replyToRecipient(rcpt -> greylisting.get()
                    ? "450 4.2.0 <" + rcpt + ">: Recipient address rejected: greylisted"
                    : "250 2.1.5 <" + rcpt + ">... Recipient ok");
            WebHarness web = WebHarness.start(dir, greenMail, WebLimits.DEFAULT,
                    Map.of("SMTP_PORT", Integer.toString(smtp.port())));
            try {
                web.subscribe("Ada@example.org");
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !smtp.received().isEmpty());
                web.get(WebHarness.link(message(smtp.received().get(0).data()), "confirm"));
                greylisting.set(true);
                web.paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL, ProgressListener.NONE);
                greylisting.set(false);
                web.clock.advance(Duration.ofDays(1));
                web.paperboy.sender().send(LocalDate.parse("2026-11-27"), SendMode.MANUAL, ProgressListener.NONE);
                assertThat(smtp.received()).as("the confirmation and one digest").hasSize(2);

                assertThat(web.api("DELETE", "/api/subscribers/ada@example.org", null).statusCode()).isEqualTo(200);
            } finally {
                web.close();
            }
        }

        List<String> holding = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (holdsAddress(Files.readAllBytes(file))) {
                    holding.add(dir.relativize(file).toString());
                }
            }
        }
        assertThat(holding).as("files under the data directory holding the address").isEmpty();
        assertThat(logged.toString(StandardCharsets.UTF_8).toLowerCase(Locale.ROOT)).contains("event=subscriber_erased")
                .doesNotContain("ada@example.org");
    }

    /** Whether the bytes hold the address in any case (the file formats keep it as ASCII). */
    private static boolean holdsAddress(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        return text.contains("ada@example.org");
    }

    private static MimeMessage message(String data) throws IOException {
        try {
            return new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)));
        } catch (jakarta.mail.MessagingException e) {
            throw new IOException(e);
        }
    }
}
