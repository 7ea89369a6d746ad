package org.paperboy.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus' SMTP transport, with one more way to send: a message whose bytes are already encoded
 * goes out in a single write after DATA, instead of through Angus' line-by-line CRLF and
 * dot-stuffing stream (most of the CPU of a send). Connecting, EHLO, STARTTLS, AUTH and every
 * command stay Angus'. {@link SmtpMailTransport} uses it for plain and STARTTLS connections.
 *
 * <p>The bytes go through {@link SmtpData} on the way out: a line that starts with a dot is
 * dot-stuffed and bare CR or LF become CRLF, whatever the encoder wrote, so no content can end
 * the data early (SMTP smuggling). {@link LetterWriter} writes no such lines, so it costs one copy.
 */
public class PreEncodedSmtpTransport extends SMTPTransport {

    private static final byte[] END_OF_DATA = ".\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Field SERVER_OUTPUT = serverOutputField();
    private static final Function<MessagingException, MessagingException> NOTHING_SENT = NothingSentException::new;
    private static final Function<MessagingException, MessagingException> AS_IS = Function.identity();

    /** Where a transaction ended and what the server said there. */
    public enum Stage { MAIL, RCPT, DATA, END }

    /** The server's answer at {@code stage}; {@code code} 250 at END means accepted. */
    public record Reply(Stage stage, int code, String text) {
        /** Whether the server said yes at this stage. */
        public boolean accepted() {
            return switch (stage) {
                case MAIL, END -> code == 250;
                case RCPT -> code == 250 || code == 251;
                case DATA -> code == 354;
            };
        }
    }

    private static final Stage[] STAGES = {Stage.MAIL, Stage.RCPT, Stage.DATA};

    /** The message being sent, the end-of-data line and the next envelope, reused across messages. */
    private byte[] data = new byte[0];
    private Envelope announced;

    public PreEncodedSmtpTransport(Session session, URLName urlname) {
        super(session, urlname);
    }

    /** Whether {@link #sendPreEncoded} can be used with this version of Angus. */
    public static boolean available() {
        return SERVER_OUTPUT != null;
    }

    /** Why {@link #available()} is false, for the warning at start; null when it is true. */
    public static String unavailableReason() {
        return SERVER_OUTPUT != null ? null : "SMTPTransport.serverOutput (an OutputStream) not found in this Angus "
                + SMTPTransport.class.getPackage().getImplementationVersion();
    }

    /**
     * Sends one message in one SMTP transaction: MAIL, RCPT and DATA in one write when the server
     * offers PIPELINING (RFC 2920), else one at a time. A refusal before the data resets the
     * transaction (RSET), so the connection stays usable.
     *
     * <p>With pipelining, {@code next} (null: none) is the envelope of the message the caller
     * will send after this one: its MAIL, RCPT and DATA go out in the same write as this
     * message's content, and their replies are read when that message is sent, so a message
     * costs one round trip. The next call must then be for exactly that envelope (see
     * {@link #announced()}); to send anything else, close the connection, which the server takes
     * as an aborted transaction.
     *
     * @throws NothingSentException when the connection was found dead before MAIL was answered
     * @throws MessagingException when the connection fails; the caller closes it
     */
    public synchronized Reply sendPreEncoded(Envelope envelope, byte[] content, Envelope next)
            throws MessagingException {
        if (announced != null && !announced.equals(envelope)) {
            throw new IllegalStateException("the connection expects the message to " + announced.recipient());
        }
        if (!plain(envelope)) {
            return new Reply(Stage.RCPT, 501, "501 the address holds a space, a control character or < >: not sent");
        }
        boolean pipelining = supportsExtension("PIPELINING");
        String[] commands = commands(envelope);
        if (pipelining && announced == null) {
            write(NOTHING_SENT, String.join("", commands));
        }
        announced = null;
        Reply[] replies = new Reply[STAGES.length];
        for (Stage stage : STAGES) {
            int at = stage.ordinal();
            if (!pipelining) {
                if (at > 0 && !replies[at - 1].accepted()) {
                    break;
                }
                write(at == 0 ? NOTHING_SENT : AS_IS, commands[at]);
            }
            int code = readServerResponse();
            if (code == -1) {
                if (stage == Stage.MAIL) {
                    // no answer at all: the server closed the connection while it was idle
                    throw new NothingSentException(new MessagingException("no reply to MAIL FROM"));
                }
                throw new MessagingException("the server closed the connection at " + stage);
            }
            replies[at] = new Reply(stage, code, lastReply(code));
            if (code == 421) {
                return replies[at]; // the server is closing the connection: no RSET
            }
        }
        for (Reply reply : replies) {
            if (reply != null && !reply.accepted()) {
                return reset(reply, replies[Stage.DATA.ordinal()]);
            }
        }
        // the content, the end-of-data line and the next envelope in one write: one packet, one round trip
        // an address that could break out of its command is never announced, and sending to it is refused
        byte[] following = pipelining && next != null && plain(next)
                ? String.join("", commands(next)).getBytes(StandardCharsets.US_ASCII) : new byte[0];
        int most = SmtpData.maxLength(content.length) + END_OF_DATA.length + following.length;
        if (data.length < most) {
            data = new byte[most + 16 * 1024];
        }
        int length = SmtpData.write(content, data, 0);
        System.arraycopy(END_OF_DATA, 0, data, length, END_OF_DATA.length);
        length += END_OF_DATA.length;
        System.arraycopy(following, 0, data, length, following.length);
        length += following.length;
        write(AS_IS, data, length);
        if (following.length > 0) {
            announced = next;
        }
        int code = answered(Stage.END, readServerResponse());
        return new Reply(Stage.END, code, lastReply(code));
    }

    /**
     * The envelope whose MAIL, RCPT and DATA were written with the last message and whose replies
     * are still to be read; null when none.
     */
    public synchronized Envelope announced() {
        return announced;
    }

    /** Whether both addresses are free of spaces, controls and angle brackets, so each stays one command. */
    private static boolean plain(Envelope envelope) {
        for (String address : new String[] {envelope.from(), envelope.recipient()}) {
            for (int i = 0; i < address.length(); i++) {
                char c = address.charAt(i);
                if (c <= ' ' || c == 0x7f || c == '<' || c == '>') {
                    return false;
                }
            }
        }
        return true;
    }

    private static String[] commands(Envelope envelope) {
        return new String[] {"MAIL FROM:<" + envelope.from() + ">\r\n", "RCPT TO:<" + envelope.recipient() + ">\r\n",
                "DATA\r\n"};
    }

    private void write(Function<MessagingException, MessagingException> failure, String commands)
            throws MessagingException {
        byte[] bytes = commands.getBytes(StandardCharsets.US_ASCII);
        write(failure, bytes, bytes.length);
    }

    /** Writes and flushes; a failure becomes the exception {@code failure} makes of it. */
    private void write(Function<MessagingException, MessagingException> failure, byte[] bytes, int length)
            throws MessagingException {
        try {
            OutputStream out = (OutputStream) SERVER_OUTPUT.get(this);
            out.write(bytes, 0, length);
            out.flush();
        } catch (IOException | IllegalAccessException e) {
            throw failure.apply(new MessagingException("writing to the server failed: " + e.getMessage(), e));
        }
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
        private NothingSentException(MessagingException cause) {
            super("the connection failed before the message was sent: " + cause.getMessage(), cause);
        }
    }

    /**
     * Ends a refused transaction. A server that accepted DATA after refusing the sender or every
     * recipient gets an empty message to close it (RFC 2920 §3.1), which it must not deliver.
     */
    private Reply reset(Reply refused, Reply data) throws MessagingException {
        if (data != null && data.code() == 354) {
            write(AS_IS, END_OF_DATA, END_OF_DATA.length);
            readServerResponse();
        }
        simpleCommand("RSET");
        return refused;
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
