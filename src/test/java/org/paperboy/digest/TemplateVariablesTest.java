package org.paperboy.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.templates.TemplateSet;
import org.paperboy.testing.SamplePapers;

/** Keeps the table of template variables in docs/templates.md true: a template uses every row of it. */
class TemplateVariablesTest {

    @TempDir
    Path dir;

    static List<String> documentedVariables() throws Exception {
        String readme = Files.readString(Path.of("docs/templates.md"));
        int start = readme.indexOf("## Template variables");
        assertThat(start).as("docs/templates.md has a 'Template variables' section").isPositive();
        String section = readme.substring(start, readme.indexOf("\n\n`email`", start));
        List<String> variables = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `([A-Za-z0-9_.\\[\\]]+)` \\|").matcher(section);
        while (row.find()) {
            variables.add(row.group(1));
        }
        return variables;
    }

    @Test
    void everyDocumentedVariableRendersInADigestTemplate() throws Exception {
        List<String> variables = documentedVariables();
        assertThat(variables).hasSizeGreaterThan(20).contains("papers[0].reason", "unsubscribeUrl");
        StringBuilder template = new StringBuilder();
        for (String variable : variables) {
            template.append(variable).append("=[(${").append(variable).append("})]\n");
        }
        Files.writeString(dir.resolve("digest.txt"), template);
        DigestRenderer renderer = new DigestRenderer(new TemplateSet(dir), new Newsletter("Paperboy",
                URI.create("https://papers.example.org"), "1 Main St", "#123456", "https://papers.example.org/logo.png",
                "Hello"));

        RenderedDigest digest = renderer.render(LocalDate.parse("2026-11-26"),
                DigestRendererTest.ranked(SamplePapers.ranked(3, Instant.parse("2026-11-26T07:00:00Z"))),
                DigestRendererTest.reader());

        assertThat(digest.text()).contains("newsletter.accentColor=#123456", "edition.dateText=Thursday, 26 November 2026",
                "papers[0].rank=1", "papers[0].title=Paper number 1", "email=reader@example.org",
                "newsletter.logoUrl=https://papers.example.org/logo.png");
        assertThat(digest.text().lines()).hasSize(variables.size());
    }
}
