package org.paperboy.mail;

/**
 * A message as SMTP data (RFC 5321 §4.5.2): CRLF line ends only, a dot that opens a line doubled,
 * and a CRLF at the end. Whatever the bytes hold, the server reads them as one message's data:
 * no line of them can end the data early and have what follows read as commands.
 */
final class SmtpData {

    private SmtpData() {
    }

    /** The most bytes {@link #write} produces for {@code length} bytes of message. */
    static int maxLength(int length) {
        return 2 * length + 2;
    }

    /**
     * Writes {@code message} into {@code out} from {@code at} in one pass; returns the position
     * after it. A bare CR or LF becomes CRLF, since some servers end a line at either.
     */
    static int write(byte[] message, byte[] out, int at) {
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
                out[at++] = '\r';
                out[at++] = '\n';
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                out[at++] = '.';
            }
            out[at++] = b;
            lineStart = false;
        }
        if (!lineStart) {
            out[at++] = '\r';
            out[at++] = '\n';
        }
        return at;
    }
}
