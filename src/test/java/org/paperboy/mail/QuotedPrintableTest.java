package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuotedPrintableTest {

    @Test
    void aDotThatASoftBreakPutsAtTheStartOfALineIsEncoded() throws Exception {
        // 75 characters fill an encoded line (76 with the '=' of the soft break): the dot lands on the next line
        for (int before = 70; before <= 80; before++) {
            String text = "x".repeat(before) + ".\nnext line\n";

            String encoded = new String(QuotedPrintable.encode(text).bytes(), StandardCharsets.US_ASCII);

            // "\r\n.\r\n" would end the SMTP data early, and the rest of the body would be read as commands
            assertThat(encoded).as("%d characters before the dot", before).doesNotContain("\r\n.\r\n");
            assertThat(encoded.split("\r\n")).as("%d characters before the dot", before)
                    .noneMatch(line -> line.startsWith("."));
            assertThat(BodyTemplateTest.decode(encoded.getBytes(StandardCharsets.US_ASCII)).replace("\r\n", "\n"))
                    .isEqualTo(text);
        }
    }
}
