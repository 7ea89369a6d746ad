package org.paperboy.mail;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.paperboy.config.SettingKey;
import org.paperboy.config.Settings;

/**
 * The mail server refused Paperboy itself, not a recipient: wrong credentials, a certificate that
 * is not trusted or names another host, no STARTTLS where it is required, TLS spoken to a plain
 * port. Retrying cannot help until a setting changes, so a send stops at once and leaves its rows
 * as they were. The message is one line naming the cause and the settings to check.
 */
public final class MailSettingsException extends RuntimeException {

    private MailSettingsException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * What {@code failure} (from connecting to {@code smtp}) says about the settings, if it is a
     * settings error; empty for failures that may pass (network, a 4xx reply).
     */
    static Optional<MailSettingsException> of(MessagingException failure, Settings.Smtp smtp) {
        String where = smtp.host() + ":" + smtp.port();
        if (failure instanceof AuthenticationFailedException) {
            String reply = SendResult.oneLine(failure.getMessage());
            if (reply.startsWith("4")) {
                return Optional.empty(); // 454: a temporary failure of the server's own authentication
            }
            return Optional.of(new MailSettingsException("SMTP authentication failed at " + where + " ("
                    + (reply.isEmpty() ? "no reason given" : reply) + "); check " + SettingKey.SMTP_USERNAME.envName()
                    + " and " + SettingKey.SMTP_PASSWORD.envName(), failure));
        }
        String message = String.valueOf(failure.getMessage());
        if (message.contains("does not support STARTTLS")) {
            return Optional.of(new MailSettingsException(where + " does not offer STARTTLS, and nothing is sent"
                    + " in clear; check " + SettingKey.SMTP_SECURITY.envName() + " (tls for an implicit-TLS port"
                    + " such as 465) and " + SettingKey.SMTP_PORT.envName(), failure));
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof CertificateException || cause instanceof SSLPeerUnverifiedException
                    || String.valueOf(cause.getMessage()).startsWith("Can't verify identity of server")) {
                return Optional.of(new MailSettingsException("the TLS certificate of " + where + " is not trusted ("
                        + SendResult.oneLine(cause.getMessage()) + "); check " + SettingKey.SMTP_HOST.envName()
                        + " (the name in the certificate) and " + SettingKey.SMTP_TRUST.envName()
                        + " (a private CA)", failure));
            }
            if (String.valueOf(cause.getMessage()).contains("Unsupported or unrecognized SSL message")) {
                return Optional.of(new MailSettingsException(where + " does not answer TLS; check "
                        + SettingKey.SMTP_SECURITY.envName() + " (starttls for port 587 or 25) and "
                        + SettingKey.SMTP_PORT.envName(), failure));
            }
        }
        return Optional.empty();
    }
}
