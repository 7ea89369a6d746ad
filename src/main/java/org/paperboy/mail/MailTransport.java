package org.paperboy.mail;

/**
 * One connection's worth of sending. Implementations keep their connection open across
 * messages and reopen it when needed; {@link #send} never throws for a server's answer.
 */
public interface MailTransport extends AutoCloseable {

    SendResult send(OutgoingMessage message);

    /**
     * Sends {@code message}, knowing that {@code next} (null: not known) is the envelope of the
     * message this transport will be asked to send after it. An SMTP transport may write the next
     * message's MAIL, RCPT and DATA together with this message's end (RFC 2920 pipelining);
     * nothing of the next message is delivered until its own content follows.
     */
    default SendResult send(OutgoingMessage message, Envelope next) {
        return send(message);
    }

    @Override
    void close();

    /** Opens transports; each sender thread takes its own. */
    @FunctionalInterface
    interface Factory {
        MailTransport open();
    }
}
