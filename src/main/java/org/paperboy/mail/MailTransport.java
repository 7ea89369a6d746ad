package org.paperboy.mail;

/**
 * One connection's worth of sending. Implementations keep their connection open across
 * messages and reopen it when needed; {@link #send} never throws for a server's answer.
 */
public interface MailTransport extends AutoCloseable {

    SendResult send(OutgoingMessage message);

    @Override
    void close();

    /** Opens transports; each sender thread takes its own. */
    @FunctionalInterface
    interface Factory {
        MailTransport open();
    }
}
