package org.paperboy.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

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
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + in.length / 8 + 16);
        int column = 0;
        for (int i = 0; i < in.length; i++) {
            int b = in[i] & 0xff;
            if (b == '\r' && i + 1 < in.length && in[i + 1] == '\n') {
                continue; // the '\n' writes the line break
            }
            if (b == '\n' || b == '\r') {
                out.write('\r');
                out.write('\n');
                column = 0;
                continue;
            }
            boolean lineEndFollows = i + 1 == in.length || in[i + 1] == '\n' || in[i + 1] == '\r';
            // a dot opening a line is encoded too: SMTP would take "\r\n.\r\n" for the end of the data,
            // and without such lines the message needs no dot-stuffing on the way out
            boolean literal = (b >= 33 && b <= 126 && b != '=' && !(b == '.' && column == 0))
                    || ((b == ' ' || b == '\t') && !lineEndFollows);
            int width = literal ? 1 : 3;
            // keep room for the '=' of a soft break at the end of each line
            if (column + width > MAX_LINE - 1) {
                out.write(SOFT_BREAK, 0, SOFT_BREAK.length);
                column = 0;
                if (b == '.') {
                    // the break put the dot at the start of a line: encoded, as above
                    literal = false;
                    width = 3;
                }
            }
            if (literal) {
                out.write(b);
            } else {
                out.write('=');
                out.write(HEX[b >> 4]);
                out.write(HEX[b & 0xf]);
            }
            column += width;
        }
        return new Piece(out.toByteArray(), column == 0);
    }
}
