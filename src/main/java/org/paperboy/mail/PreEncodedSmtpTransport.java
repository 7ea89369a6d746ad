package org.paperboy.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus' SMTP transport, with one more way to send: a message whose bytes are already encoded
 * goes out in a single write after DATA, instead of through Angus' line-by-line CRLF and
 * dot-stuffing stream (most of the CPU of a send). Connecting, EHLO, STARTTLS, AUTH and every
 * command stay Angus'. {@link SmtpMailTransport} uses it for plain and STARTTLS connections.
 *
 * <p>The bytes must use CRLF line ends, end with CRLF, and have no line that starts with a dot:
 * {@link LetterWriter} writes them so (quoted-printable encodes a leading dot as {@code =2E}).
 */
public class PreEncodedSmtpTransport extends SMTPTransport {

    private static final byte[] END_OF_DATA = ".\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Field SERVER_OUTPUT = serverOutputField();

    /** Where a transaction ended and what the server said there. */
    public enum Stage { MAIL, RCPT, DATA, END }

    /** The server's answer at {@code stage}; {@code code} 250 at END means accepted. */
    public record Reply(Stage stage, int code, String text) {
    }

    public PreEncodedSmtpTransport(Session session, URLName urlname) {
        super(session, urlname);
    }

    /** Whether {@link #sendPreEncoded} can be used with this version of Angus. */
    public static boolean available() {
        return SERVER_OUTPUT != null;
    }

    /**
     * Sends one message in one SMTP transaction. A refusal before the data resets the
     * transaction (RSET), so the connection stays usable.
     *
     * @throws MessagingException when the connection fails; the caller closes it
     */
    public synchronized Reply sendPreEncoded(String envelopeFrom, String recipient, byte[] content)
            throws MessagingException {
        int code;
        try {
            code = simpleCommand("MAIL FROM:<" + envelopeFrom + ">");
        } catch (MessagingException e) {
            throw new NothingSentException(e);
        }
        if (code == -1) {
            // no answer at all: the server closed the connection while it was idle
            throw new NothingSentException(new MessagingException("no reply to MAIL FROM"));
        }
        if (code != 250) {
            return reset(Stage.MAIL, code);
        }
        code = answered(Stage.RCPT, simpleCommand("RCPT TO:<" + recipient + ">"));
        if (code != 250 && code != 251) {
            return reset(Stage.RCPT, code);
        }
        code = answered(Stage.DATA, simpleCommand("DATA"));
        if (code != 354) {
            return reset(Stage.DATA, code);
        }
        try {
            OutputStream out = (OutputStream) SERVER_OUTPUT.get(this);
            out.write(content);
            out.write(END_OF_DATA);
            out.flush();
        } catch (IOException | IllegalAccessException e) {
            throw new MessagingException("writing the message failed: " + e.getMessage(), e);
        }
        code = answered(Stage.END, readServerResponse());
        return new Reply(Stage.END, code, lastReply(code));
    }

    /** Angus answers -1 when the connection ended instead of a reply. */
    private static int answered(Stage stage, int code) throws MessagingException {
        if (code == -1) {
            throw new MessagingException("the server closed the connection at " + stage);
        }
        return code;
    }

    /** The connection failed before any of the message was sent: trying again on a new one is safe. */
    public static final class NothingSentException extends MessagingException {
        NothingSentException(MessagingException cause) {
            super("the connection failed before the message was sent: " + cause.getMessage(), cause);
        }
    }

    private Reply reset(Stage stage, int code) throws MessagingException {
        Reply reply = new Reply(stage, code, lastReply(code));
        if (code != 421) {
            simpleCommand("RSET");
        }
        return reply;
    }

    private String lastReply(int code) {
        String text = getLastServerResponse();
        return text == null ? String.valueOf(code) : text.strip();
    }

    private static Field serverOutputField() {
        try {
            Field field = SMTPTransport.class.getDeclaredField("serverOutput");
            field.setAccessible(true);
            return OutputStream.class.isAssignableFrom(field.getType()) ? field : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another Angus version: the ordinary path is used
        }
    }
}
