package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuotedPrintableTest {

    /** Characters the property test draws from: the ones that matter to QP and to SMTP's data. */
    private static final String[] ALPHABET = {".", ".", ".", ".", "\r", "\n", "\r\n", " ", " ", "\t", "=", "a", "b",
        "Z", "0", "-", "é", "€", "😀", "\u00a0", "\u2028", "\u0000", "~",
        "\ud83d", "\ude00", "\u07ff", "\u0800", "\uffff"};

    private static String decode(byte[] qp) throws Exception {
        return new String(MimeUtility.decode(new ByteArrayInputStream(qp), "quoted-printable").readAllBytes(),
                StandardCharsets.UTF_8);
    }

    /** Text bodies travel with CRLF line ends: a bare CR or LF comes back as CRLF. */
    private static String canonical(String text) {
        return text.replaceAll("\r\n|\r|\n", "\r\n");
    }

    private static void assertWellFormed(String input, byte[] encoded) throws Exception {
        assertWellFormed(input, encoded, input);
    }

    /** As the other, for an input whose characters come back as {@code expected} (lone surrogates as '?'). */
    private static void assertWellFormed(String input, byte[] encoded, String expected) throws Exception {
        String wire = new String(encoded, StandardCharsets.US_ASCII);
        assertThat(wire.replace("\r\n", "")).as("no bare CR or LF in %s", wire).doesNotContain("\r", "\n");
        for (String line : wire.split("\r\n", -1)) {
            assertThat(line).as("a line of the encoding of %s", input).doesNotStartWith(".");
            assertThat(line.length()).as("length of %s", line).isLessThanOrEqualTo(76);
        }
        for (int i = 0; i < encoded.length; i++) {
            assertThat(encoded[i] & 0xff).as("byte %s", i).isBetween(1, 126);
        }
        assertThat(decode(encoded)).isEqualTo(canonical(expected));
    }

    @Test
    void aDotThatLandsAtTheSoftLineBreakIsEncoded() throws Exception {
        // a Hugging Face abstract whose full stop falls at column 75, where the soft line break goes
        String abstractLine = "   We present a family of open vision-language models trained on curated data.";
        String text = abstractLine.substring(0, 75) + ".\n\n   Read: https://huggingface.co/papers/2511.01234\n";
        assertThat(text.indexOf('.', 70)).isEqualTo(75);

        byte[] encoded = QuotedPrintable.encode(text).bytes();

        assertWellFormed(text, encoded);
        assertThat(new String(encoded, StandardCharsets.US_ASCII)).contains("=\r\n=2E\r\n");
    }

    @Test
    void noEncodedLineStartsWithADotAndEveryInputComesBack() throws Exception {
        Random random = new Random(20261127L);
        for (int run = 0; run < 3000; run++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(400);
            while (text.length() < length) {
                int choice = random.nextInt(10);
                if (choice < 4) {
                    text.append(ALPHABET[random.nextInt(ALPHABET.length)]);
                } else if (choice < 7) {
                    // a run of plain letters of random width, so dots land on every column
                    text.append("x".repeat(random.nextInt(90)));
                } else {
                    text.append(".".repeat(1 + random.nextInt(3)));
                }
            }
            String input = text.toString();
            // a lone surrogate comes back as '?', as String.getBytes makes it
            String expected = new String(input.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            assertWellFormed(input, QuotedPrintable.encode(input).bytes(), expected);
            // a piece of a longer text encodes as the same characters on their own
            int from = random.nextInt(input.length() + 1);
            int to = from + random.nextInt(input.length() - from + 1);
            assertThat(QuotedPrintable.encode(input, from, to).bytes())
                    .isEqualTo(QuotedPrintable.encode(input.substring(from, to)).bytes());
        }
    }

    @Test
    void aLongRunOfEscapedCharactersGetsTheRoomItNeeds() throws Exception {
        // every character three bytes, each written as "=XX": nine times the length, more than the first guess
        String text = "€".repeat(5000) + "\n" + "=".repeat(3000);

        assertWellFormed(text, QuotedPrintable.encode(text).bytes());
        assertWellFormed(text, QuotedPrintable.encode(text, 100, 7900).bytes(), text.substring(100, 7900));
    }

    @Test
    void aDotAtEveryColumnIsEncodedWhereItWouldOpenALine() throws Exception {
        for (int width = 0; width < 240; width++) {
            for (String after : new String[] {"", "\n", "\r\n", "\r", ".", " x", "\n.\n"}) {
                String input = "a".repeat(width) + "." + after;
                assertWellFormed(input, QuotedPrintable.encode(input).bytes());
                String wide = "é".repeat(width / 2) + "b".repeat(width % 3) + "." + after;
                assertWellFormed(wide, QuotedPrintable.encode(wide).bytes());
            }
        }
    }
}
