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
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        // a plain array, not a (synchronized, bounds-checked) stream: every distinct digest of an edition
        // is encoded, tens of thousands when readers have topics. Room for the worst case: every byte
        // as "=XX", and a soft break after every 24 of them
        byte[] out = new byte[in.length * 3 + (in.length / 24 + 1) * SOFT_BREAK.length];
        int o = 0;
        int column = 0;
        for (int i = 0; i < in.length; i++) {
            int b = in[i] & 0xff;
            if (b == '\r' && i + 1 < in.length && in[i + 1] == '\n') {
                continue; // the '\n' writes the line break
            }
            if (b == '\n' || b == '\r') {
                out[o++] = '\r';
                out[o++] = '\n';
                column = 0;
                continue;
            }
            boolean lineEndFollows = i + 1 == in.length || in[i + 1] == '\n' || in[i + 1] == '\r';
            boolean literal = (b >= 33 && b <= 126 && b != '=')
                    || ((b == ' ' || b == '\t') && !lineEndFollows);
            // keep room for the '=' of a soft break at the end of each line
            if (column + (literal ? 1 : 3) > MAX_LINE - 1) {
                out[o++] = '=';
                out[o++] = '\r';
                out[o++] = '\n';
                column = 0;
            }
            // decided after the soft break: a dot opening a line, also one the break pushed there, is
            // encoded, since SMTP would take "\r\n.\r\n" for the end of the data
            if (b == '.' && column == 0) {
                literal = false;
            }
            int width = literal ? 1 : 3;
            if (literal) {
                out[o++] = (byte) b;
            } else {
                out[o++] = '=';
                out[o++] = HEX[b >> 4];
                out[o++] = HEX[b & 0xf];
            }
            column += width;
        }
        return new Piece(Arrays.copyOf(out, o), column == 0);
    }
}
