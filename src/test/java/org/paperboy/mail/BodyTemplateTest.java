package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BodyTemplateTest {

    static String decode(byte[] qp) throws Exception {
        return new String(MimeUtility.decode(new ByteArrayInputStream(qp), "quoted-printable").readAllBytes(),
                StandardCharsets.UTF_8);
    }

    @Test
    void slotsAreFilledPerRecipientAndTheBodyDecodesToTheFilledText() throws Exception {
        String rendered = "Dear ,\n" + "é ".repeat(60) + "\n.\n"
                + ".starts with a dot\n<a href=\"\">x</a> trailing space \n";
        int email = "Dear ".length();
        int link = rendered.indexOf("href=\"") + "href=\"".length();
        BodyTemplate html = BodyTemplate.compile(rendered,
                List.of(new BodyTemplate.Slot(email, "email"), new BodyTemplate.Slot(link, "link")), BodyTemplate.Kind.HTML);
        Map<String, String> values = Map.of("email", "a&b@example.org", "link", "https://x.example/u?t=1&s=2");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        html.writeTo(out, values);

        String encoded = out.toString(StandardCharsets.US_ASCII);
        assertThat(encoded.lines()).allSatisfy(line -> {
            assertThat(line.length()).isLessThanOrEqualTo(76);
            assertThat(line).doesNotStartWith(".");
        });
        assertThat(encoded).doesNotContain("\n.").contains("\r\n");
        assertThat(encoded.replace("\r\n", "")).doesNotContain("\n");
        // the wire has CRLF line ends; the text had LF
        // what a reader sees: the rendered text with the escaped values in the slots' places
        String filled = rendered.substring(0, email) + "a&amp;b@example.org" + rendered.substring(email, link)
                + "https://x.example/u?t=1&amp;s=2" + rendered.substring(link);
        assertThat(decode(out.toByteArray()).replace("\r\n", "\n")).isEqualTo(filled)
                .contains("Dear a&amp;b@example.org,", "href=\"https://x.example/u?t=1&amp;s=2\"", "\n.\n.starts");
        assertThat(html.slotNames()).containsExactly("email", "link");
    }

    @Test
    void textThatLooksLikeASlotIsJustText() throws Exception {
        String rendered = "Code: https://evil.example/c?e=@@paperboy.email@@&u=@@paperboy.unsubscribeUrl@@ @@paperboy.x@@\n";
        BodyTemplate text = BodyTemplate.compile(rendered, List.of(new BodyTemplate.Slot(0, "email")), BodyTemplate.Kind.TEXT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        text.writeTo(out, Map.of("email", "ada@example.org "));

        assertThat(decode(out.toByteArray()).replace("\r\n", "\n")).isEqualTo("ada@example.org " + rendered);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        BodyTemplate.plain(rendered, BodyTemplate.Kind.HTML).writeTo(plain, Map.of());
        assertThat(decode(plain.toByteArray()).replace("\r\n", "\n")).isEqualTo(rendered);
    }
}
