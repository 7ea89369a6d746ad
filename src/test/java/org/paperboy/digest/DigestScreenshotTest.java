package org.paperboy.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Screenshots of the default digest in headless Chromium, saved under target/screenshots to be looked at. */
@Tag("browser")
class DigestScreenshotTest {

    static final Path SHOTS = Path.of("target/screenshots");

    @ParameterizedTest
    @ValueSource(ints = {600, 375})
    void theDefaultDigestRendersInChromiumAt(int width) throws Exception {
        Files.createDirectories(SHOTS);
        Path html = SHOTS.resolve("digest.html").toAbsolutePath();
        Files.writeString(html, DigestSnapshotTest.fixedDigest().html(), StandardCharsets.UTF_8);
        Path png = SHOTS.resolve("digest-" + width + ".png").toAbsolutePath();
        Files.deleteIfExists(png);
        Path profile = Files.createTempDirectory("chromium-profile");

        Process chromium = new ProcessBuilder(List.of("/usr/bin/chromium", "--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--window-size=" + width + ",1600", "--screenshot=" + png,
                html.toUri().toString())).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

        assertThat(chromium.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(png).exists();
        assertThat(pngWidth(png)).isEqualTo(width);
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    private static int pngWidth(Path png) throws Exception {
        try (InputStream in = Files.newInputStream(png); DataInputStream data = new DataInputStream(in)) {
            data.skipNBytes(16); // signature (8) + IHDR length and type (8)
            return data.readInt();
        }
    }
}
