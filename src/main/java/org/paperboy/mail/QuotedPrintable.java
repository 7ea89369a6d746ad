package org.paperboy.mail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Quoted-printable encoding (RFC 2045 §6.7) of one piece of a body. Pieces are encoded on
 * their own, each starting at column 0, so that the parts of a digest that are the same for
 * every subscriber are encoded once and the per-subscriber values are spliced in between them
 * with soft line breaks.
 */
final class QuotedPrintable {

    static final byte[] SOFT_BREAK = {'=', '\r', '\n'};
    private static final int MAX_LINE = 76;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private QuotedPrintable() {
    }

    /** An encoded piece, and whether it ends at the start of a line (after a hard line break). */
    record Piece(byte[] bytes, boolean endsAtLineStart) {
    }

    static Piece encode(String text) {
        return encode(text, 0, text.length());
    }

    /** Characters written as they are, but for a dot opening a line: printable ASCII except '='. */
    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (int c = 33; c <= 126; c++) {
            PLAIN[c] = c != '=';
        }
    }

    /**
     * Encodes the characters {@code from} to {@code to} of {@code text} as UTF-8: the pieces of a
     * digest's body between the reader's slots. Every distinct digest of an edition is encoded, tens of
     * thousands when readers have topics: the characters are copied out once and read from an array (no
     * per-character call), runs of plain characters take a short loop of their own, and no worst-case
     * buffer is made up front (measured with the client compiler: 115 against 67 µs for a 22 KB body;
     * 37 µs with the optimising one, which {@code send} runs with).
     */
    static Piece encode(String text, int from, int to) {
        char[] in = new char[to - from];
        text.getChars(from, to, in, 0);
        int n = in.length;
        // mostly ASCII: room for the characters, some "=3D" and a soft break a line; grown when short
        byte[] out = new byte[n + n / 8 + 16];
        int o = 0;
        int column = 0;
        int i = 0;
        while (i < n) {
            // room for what the rest of this line and one more step can add: the fast loop never checks
            if (out.length - o < MAX_LINE + 16) {
                out = Arrays.copyOf(out, out.length + (out.length >> 1) + MAX_LINE + 16);
            }
            // a run of plain characters, up to the column where a soft break must go; a dot can only open
            // a line at the run's first character (the run never passes a break)
            int limit = Math.min(n, i + (MAX_LINE - 1 - column));
            if (column > 0 || in[i] != '.') {
                int start = i;
                while (i < limit) {
                    char c = in[i];
                    if (c >= 128 || !PLAIN[c]) {
                        break;
                    }
                    out[o++] = (byte) c;
                    i++;
                }
                column += i - start;
                if (i == n) {
                    break;
                }
            }
            char c = in[i];
            if (c == '\r' && i + 1 < n && in[i + 1] == '\n') {
                i++; // the '\n' writes the line break
                continue;
            }
            if (c == '\n' || c == '\r') {
                out[o++] = '\r';
                out[o++] = '\n';
                column = 0;
                i++;
                continue;
            }
            int codePoint = c;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(in[i + 1])) {
                codePoint = Character.toCodePoint(c, in[++i]);
            } else if (Character.isSurrogate(c)) {
                codePoint = '?'; // as String.getBytes writes a lone surrogate
            }
            i++;
            boolean lineEndFollows = i == n || in[i] == '\n' || in[i] == '\r';
            boolean literal = (codePoint >= 33 && codePoint <= 126 && codePoint != '=')
                    || ((codePoint == ' ' || codePoint == '\t') && !lineEndFollows);
            int width = literal ? 1 : 3 * utf8Length(codePoint);
            // keep room for the '=' of a soft break at the end of each line; a character's bytes stay on one line
            if (column + width > MAX_LINE - 1) {
                out[o++] = '=';
                out[o++] = '\r';
                out[o++] = '\n';
                column = 0;
            }
            // decided after the soft break: a dot opening a line, also one the break pushed there, is
            // encoded, since SMTP would take "\r\n.\r\n" for the end of the data
            if (codePoint == '.' && column == 0) {
                literal = false;
                width = 3;
            }
            if (literal) {
                out[o++] = (byte) codePoint;
            } else {
                o = escapedUtf8(out, o, codePoint);
            }
            column += width;
        }
        return new Piece(Arrays.copyOf(out, o), column == 0);
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    /** The UTF-8 bytes of {@code codePoint}, each as "=XX". */
    private static int escapedUtf8(byte[] out, int o, int codePoint) {
        int length = utf8Length(codePoint);
        if (length == 1) {
            return escaped(out, o, codePoint);
        }
        int lead = length == 2 ? 0xc0 : length == 3 ? 0xe0 : 0xf0;
        o = escaped(out, o, lead | codePoint >> 6 * (length - 1));
        for (int shift = 6 * (length - 2); shift >= 0; shift -= 6) {
            o = escaped(out, o, 0x80 | codePoint >> shift & 0x3f);
        }
        return o;
    }

    private static int escaped(byte[] out, int o, int b) {
        out[o] = '=';
        out[o + 1] = HEX[b >> 4];
        out[o + 2] = HEX[b & 0xf];
        return o + 3;
    }
}
