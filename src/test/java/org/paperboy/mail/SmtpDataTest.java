package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SmtpDataTest {

    private static String data(String message) {
        byte[] in = message.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[SmtpData.maxLength(in.length)];
        return new String(Arrays.copyOf(out, SmtpData.write(in, out, 0)), StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyLineThatStartsWithADotIsStuffedAndEveryLineEndIsCrlf() {
        assertThat(data("")).isEmpty();
        assertThat(data("a")).isEqualTo("a\r\n");
        assertThat(data(".")).isEqualTo("..\r\n");
        assertThat(data("a\r\n.\r\nRSET\r\n")).isEqualTo("a\r\n..\r\nRSET\r\n");
        assertThat(data("a\n.\nb\r.\rc\r\r\n.")).isEqualTo("a\r\n..\r\nb\r\n..\r\nc\r\n\r\n..\r\n");
        assertThat(data("..x\r\n")).isEqualTo("...x\r\n");
    }

    @Test
    void aServerThatUnstuffsGetsTheMessageBackWithCrlfLineEnds() {
        Random random = new Random(5321L);
        String[] pieces = {".", ".", "\r", "\n", "\r\n", "x", "yz", " ", "..", "RSET"};
        for (int run = 0; run < 5000; run++) {
            StringBuilder message = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                message.append(pieces[random.nextInt(pieces.length)]);
            }
            String wire = data(message.toString());
            assertThat(wire.replace("\r\n", "")).doesNotContain("\r", "\n");
            assertThat(wire.isEmpty() || wire.endsWith("\r\n")).isTrue();
            StringBuilder unstuffed = new StringBuilder();
            for (String line : wire.split("\r\n", -1)) {
                assertThat(line).isNotEqualTo(".");
                unstuffed.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
            }
            String expected = message.toString().replaceAll("\r\n|\r|\n", "\r\n");
            String got = unstuffed.substring(0, Math.max(0, unstuffed.length() - 4));
            assertThat(got + (wire.isEmpty() ? "" : "\r\n"))
                    .isEqualTo(expected.isEmpty() || expected.endsWith("\r\n") ? expected : expected + "\r\n");
        }
    }
}
