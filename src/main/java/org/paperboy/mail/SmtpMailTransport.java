package org.paperboy.mail;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.URLName;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.paperboy.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MailTransport} over one Jakarta Mail SMTP connection, kept open across messages
 * and reopened after {@code messagesPerConnection} messages or when the server drops it.
 */
public final class SmtpMailTransport implements MailTransport {

    private static final Logger log = LoggerFactory.getLogger(SmtpMailTransport.class);

    private final Session session;
    private final Settings.Smtp smtp;
    private final int messagesPerConnection;
    private final DkimSigner signer;
    private Transport transport;
    private int sentOnConnection;

    SmtpMailTransport(Session session, Settings.Smtp smtp, int messagesPerConnection, DkimSigner signer) {
        this.session = session;
        this.smtp = smtp;
        this.messagesPerConnection = messagesPerConnection;
        this.signer = signer;
    }

    /** A factory of transports that share one configured session, without DKIM. */
    public static MailTransport.Factory factory(Settings.Smtp smtp, String heloName, int messagesPerConnection) {
        return factory(smtp, new Settings.Dkim("", java.util.List.of(), java.util.List.of()), heloName,
                messagesPerConnection);
    }

    /**
     * A factory of transports that share one configured session and sign with {@code dkim} when it is
     * on: each transport signs on the thread that sends, so connections sign in parallel.
     *
     * @throws org.paperboy.config.ConfigException for a trust file or DKIM key that cannot be used
     */
    public static MailTransport.Factory factory(Settings.Smtp smtp, Settings.Dkim dkim, String heloName,
                                                int messagesPerConnection) {
        Session session = SmtpSessions.create(smtp, heloName);
        DkimSigner signer = DkimSigner.of(dkim);
        if (!PreEncodedSmtpTransport.available() && smtp.security() != Settings.SmtpSecurity.TLS) {
            // no silent fallback: the slow path costs most of the send rate
            log.warn("event=pre_encoded_send_unavailable reason=\"{}\" effect=\"every message goes through Angus'"
                    + " own DATA stream, several times slower\"", PreEncodedSmtpTransport.unavailableReason());
        }
        return () -> new SmtpMailTransport(session, smtp, messagesPerConnection, signer);
    }

    @Override
    public SendResult send(OutgoingMessage message) {
        return send(message, null);
    }

    /**
     * {@inheritDoc}
     *
     * @throws MailSettingsException when the server refuses Paperboy itself (credentials, certificate,
     *     no STARTTLS): no message can go out until a setting changes
     */
    @Override
    public SendResult send(OutgoingMessage unsigned, Envelope next) {
        OutgoingMessage message = signer == null ? unsigned : signer.sign(unsigned);
        InternetAddress recipient;
        try {
            recipient = new InternetAddress(message.envelope().recipient(), true);
        } catch (AddressException e) {
            return new SendResult.Rejected(501, "501 invalid recipient address: " + e.getMessage(), true);
        }
        if (sentOnConnection >= messagesPerConnection
                || transport instanceof PreEncodedSmtpTransport direct && direct.announced() != null
                        && !direct.announced().equals(message.envelope())) {
            // a new connection after the cap, or instead of the message announced on this one
            // (its subscriber left, say): the server drops that transaction when the connection ends
            disconnect();
        }
        try {
            ensureConnected();
        } catch (AuthenticationFailedException e) {
            disconnect();
            throwIfSettings(e);
            return new SendResult.Deferred(-1, "SMTP authentication failed at " + where() + ": " + e.getMessage());
        } catch (MessagingException e) {
            disconnect();
            throwIfSettings(e);
            return new SendResult.Deferred(-1, "cannot connect to " + where() + ": " + describe(e));
        }
        if (transport instanceof PreEncodedSmtpTransport direct) {
            // the last message allowed on a connection announces nothing
            return sendDirect(direct, message, sentOnConnection + 1 < messagesPerConnection ? next : null);
        }
        try {
            EncodedMessage encoded = new EncodedMessage(session, message);
            transport.sendMessage(encoded, new InternetAddress[] {recipient});
            sentOnConnection++;
            return new SendResult.Accepted(lastReply());
        } catch (SMTPSendFailedException e) {
            return afterFailure(e.getReturnCode(), e.getMessage(), false);
        } catch (SendFailedException e) {
            for (Exception cause = e.getNextException(); cause != null;
                 cause = cause instanceof MessagingException m ? m.getNextException() : null) {
                if (cause instanceof SMTPAddressFailedException failed) {
                    return afterFailure(failed.getReturnCode(), failed.getMessage(), true);
                }
            }
            return afterFailure(lastCode(), e.getMessage(), false);
        } catch (MessagingException e) {
            disconnect();
            return new SendResult.Deferred(-1, "connection to " + where() + " failed: " + describe(e));
        }
    }

    private SendResult sendDirect(PreEncodedSmtpTransport direct, OutgoingMessage message, Envelope next) {
        try {
            PreEncodedSmtpTransport.Reply reply;
            try {
                reply = direct.sendPreEncoded(message.envelope(), message.content(), next);
            } catch (PreEncodedSmtpTransport.NothingSentException stale) {
                if (sentOnConnection == 0) {
                    throw stale;
                }
                // a kept connection the server dropped while idle: once more on a fresh one
                disconnect();
                try {
                    ensureConnected();
                } catch (MessagingException e) {
                    throwIfSettings(e);
                    throw e;
                }
                reply = ((PreEncodedSmtpTransport) transport).sendPreEncoded(message.envelope(),
                        message.content(), next);
            }
            if (reply.stage() == PreEncodedSmtpTransport.Stage.END && reply.code() == 250) {
                sentOnConnection++;
                return new SendResult.Accepted(reply.text());
            }
            return afterFailure(reply.code(), reply.text(), reply.stage() == PreEncodedSmtpTransport.Stage.RCPT);
        } catch (MessagingException e) {
            disconnect();
            return new SendResult.Deferred(-1, "connection to " + where() + " failed: " + describe(e));
        }
    }

    private void throwIfSettings(MessagingException failure) {
        java.util.Optional<MailSettingsException> settings = MailSettingsException.of(failure, smtp);
        if (settings.isPresent()) {
            throw settings.get();
        }
    }

    private SendResult afterFailure(int code, String message, boolean atRecipient) {
        String reply = message == null ? String.valueOf(code) : message.strip();
        if (code == 421) {
            disconnect(); // 421 means the server is closing the connection
        }
        if (code >= 500 && code < 600) {
            return new SendResult.Rejected(code, reply, atRecipient);
        }
        return new SendResult.Deferred(code, reply);
    }

    private void ensureConnected() throws MessagingException {
        // Angus' isConnected() costs a NOOP round trip: a connection known to work is trusted, and
        // one that failed was closed by disconnect()
        if (transport instanceof PreEncodedSmtpTransport || transport != null && transport.isConnected()) {
            return;
        }
        disconnect();
        boolean tls = smtp.security() == Settings.SmtpSecurity.TLS;
        Transport fresh = !tls && PreEncodedSmtpTransport.available()
                ? new PreEncodedSmtpTransport(session, new URLName("smtp", smtp.host(), smtp.port(), null, null, null))
                : session.getTransport(tls ? "smtps" : "smtp");
        if (smtp.authenticates()) {
            fresh.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password());
        } else {
            fresh.connect(smtp.host(), smtp.port(), null, null);
        }
        transport = fresh;
        sentOnConnection = 0;
        log.debug("event=smtp_connected host={} port={}", smtp.host(), smtp.port());
    }

    private String lastReply() {
        if (transport instanceof SMTPTransport smtpTransport && smtpTransport.getLastServerResponse() != null) {
            return smtpTransport.getLastServerResponse().strip();
        }
        return "250";
    }

    private int lastCode() {
        return transport instanceof SMTPTransport smtpTransport ? smtpTransport.getLastReturnCode() : -1;
    }

    private String where() {
        return smtp.host() + ":" + smtp.port();
    }

    private static String describe(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private void disconnect() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException e) {
                log.debug("event=smtp_close_failed reason={}", e.getMessage());
            }
            transport = null;
        }
    }

    @Override
    public void close() {
        disconnect();
    }

    /** Writes bytes that were encoded beforehand instead of building a MIME tree per message. */
    private static final class EncodedMessage extends SMTPMessage {
        private final byte[] content;

        EncodedMessage(Session session, OutgoingMessage message) {
            super(session);
            this.content = message.content();
            setEnvelopeFrom(message.envelope().from());
        }

        @Override
        public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
            os.write(content);
        }

        @Override
        public int getSize() {
            return content.length;
        }
    }
}
