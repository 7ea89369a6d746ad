package org.paperboy.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.templates.TemplateSet;
import org.paperboy.testing.SamplePapers;

class DigestCheckTest {

    @TempDir
    Path dir;

    List<DigestCheck.Finding> check() {
        DigestRenderer renderer = new DigestRenderer(new TemplateSet(dir),
                new Newsletter("Paperboy", URI.create("https://papers.example.org"), "1 Main St"));
        return new DigestCheck(renderer).check(LocalDate.parse("2026-11-26"),
                DigestRendererTest.ranked(SamplePapers.ranked(25, Instant.parse("2026-11-26T07:00:00Z"))));
    }

    @Test
    void theBuiltInTemplatesPass() {
        assertThat(check()).isEmpty();
    }

    @Test
    void aBrokenExpressionIsReportedWithFileLineAndColumn() throws Exception {
        Files.writeString(dir.resolve("digest.html"), "<html>\n<body>\n<p th:text=\"${papers.size(}\">x</p>\n</body></html>");

        List<DigestCheck.Finding> findings = check();

        assertThat(findings).hasSize(1);
        assertThat(findings.get(0).error()).isTrue();
        assertThat(findings.get(0).message()).startsWith(dir.resolve("digest.html") + ":3:");
    }

    @Test
    void aRelativeLinkIsAWarning() throws Exception {
        String builtIn = new String(getClass().getResourceAsStream("/templates/digest.html").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("digest.html"), builtIn.replace("<body ", "<body><a href=\"/archive\">Archive</a><div "));

        List<DigestCheck.Finding> findings = check();

        assertThat(findings).containsExactly(new DigestCheck.Finding(false,
                "digest.html: href=\"/archive\" is not an absolute link; mail clients have no page to resolve it against"));
    }

    @Test
    void aTemplateWithoutTheUnsubscribeLinkFails() throws Exception {
        Files.writeString(dir.resolve("digest.txt"), "[(${newsletter.postalAddress})]");

        assertThat(check()).extracting(DigestCheck.Finding::message)
                .containsExactly("digest.txt: the unsubscribe link (${unsubscribeUrl}) is missing");
    }
}
