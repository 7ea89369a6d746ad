package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.paperboy.config.Settings;
import org.slf4j.LoggerFactory;

/** The fast send path depends on a private field of Angus: with the pinned version it must be there, and say so when not. */
class PreEncodedPathTest {

    @Test
    void thePinnedAngusHasTheFieldThePreEncodedSenderWritesTo() {
        assertThat(PreEncodedSmtpTransport.available())
                .as("Angus %s: SMTPTransport.serverOutput", org.eclipse.angus.mail.smtp.SMTPTransport.class
                        .getPackage().getImplementationVersion())
                .isTrue();
        assertThat(PreEncodedSmtpTransport.unavailableReason()).isNull();
    }

    @Test
    void noWarningAtStartWhenThePathIsAvailable() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(SmtpMailTransport.class);
        logger.addAppender(logs);
        try {
            SmtpMailTransport.factory(new Settings.Smtp("127.0.0.1", 2525, "", "", Settings.SmtpSecurity.NONE,
                    Duration.ofSeconds(5), ""), "localhost", 100);
        } finally {
            logger.detachAppender(logs);
        }
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(line -> line.contains("pre_encoded_send_unavailable"));
    }
}
