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
        int n = message.length;
        int line = 0;
        while (line < n) {
            if (message[line] == '.') {
                out[at++] = '.';
            }
            int end = line;
            while (end < n && message[end] != '\r' && message[end] != '\n') {
                end++;
            }
            // a line goes out in one copy; the scan only looks for its end
            System.arraycopy(message, line, out, at, end - line);
            at += end - line;
            out[at++] = '\r';
            out[at++] = '\n';
            if (end + 1 < n && message[end] == '\r' && message[end + 1] == '\n') {
                end++;
            }
            line = end + 1;
        }
        return at;
    }
}
