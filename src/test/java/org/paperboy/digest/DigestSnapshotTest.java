package org.paperboy.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.paperboy.templates.TemplateSet;
import org.paperboy.testing.SamplePapers;

/**
 * The default digest for fixed data against an approved snapshot. After an intended change,
 * look at {@code target/snapshots/*} and approve with {@code -Dsnapshots.approve=true}.
 */
class DigestSnapshotTest {

    static final Path APPROVED = Path.of("src/test/resources/snapshots");
    static final Path ACTUAL = Path.of("target/snapshots");

    static RenderedDigest fixedDigest() {
        DigestRenderer renderer = new DigestRenderer(new TemplateSet(Path.of("does-not-exist")),
                new Newsletter("Paperboy", URI.create("https://papers.example.org"), "Paperboy, 1 Main Street, Springfield"));
        return renderer.render(LocalDate.parse("2026-11-26"),
                DigestRendererTest.ranked(SamplePapers.ranked(3, Instant.parse("2026-11-26T07:00:00Z"))),
                DigestRendererTest.reader());
    }

    @Test
    void theDefaultDigestMatchesTheApprovedSnapshot() throws Exception {
        RenderedDigest digest = fixedDigest();
        compare("digest.html", digest.html());
        compare("digest.txt", digest.text());
        assertThat(digest.subject()).isEqualTo("Paperboy · 26 Nov 2026: Paper number 1");
    }

    private static void compare(String name, String actual) throws Exception {
        Files.createDirectories(ACTUAL);
        Files.writeString(ACTUAL.resolve(name), actual, StandardCharsets.UTF_8);
        Path approved = APPROVED.resolve(name);
        if (Boolean.getBoolean("snapshots.approve")) {
            Files.writeString(approved, actual, StandardCharsets.UTF_8);
        }
        assertThat(approved).as("approved snapshot %s (approve with -Dsnapshots.approve=true)", approved).exists();
        assertThat(actual).as("%s differs from %s; see %s", name, approved, ACTUAL.resolve(name))
                .isEqualTo(Files.readString(approved, StandardCharsets.UTF_8));
    }
}
