package org.paperboy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files in ops/ are accepted by the tools that will read them: systemd and nginx. */
class OpsFilesTest {

    @TempDir
    Path dir;

    record Run(int exitCode, String output) {
    }

    private Run run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void theSystemdUnitVerifiesWithoutAWarning() throws Exception {
        assertThat(Path.of("/usr/bin/systemd-analyze")).as("systemd-analyze (Debian package systemd)").exists();
        Path unit = Files.copy(Path.of("ops/paperboy.service"), dir.resolve("paperboy.service"));

        Run verify = run("systemd-analyze", "verify", unit.toString());

        assertThat(verify.exitCode()).as(verify.output()).isZero();
        // unknown keys and bad values are warnings with exit code 0: any line about the unit is a defect
        assertThat(verify.output().lines().filter(line -> line.contains("paperboy.service")).toList())
                .as(verify.output()).isEmpty();
        String text = Files.readString(unit);
        assertThat(text).contains("EnvironmentFile=", "User=paperboy", "Restart=on-failure", "NoNewPrivileges=yes",
                "ProtectSystem=strict", "ExecStart=/usr/bin/java ");
    }

    @Test
    void theReverseProxyExampleIsAValidNginxConfiguration() throws Exception {
        assertThat(Path.of("/usr/sbin/nginx")).as("nginx (Debian package nginx-light)").exists();
        Path cert = dir.resolve("fullchain.pem");
        Path key = dir.resolve("privkey.pem");
        Run openssl = run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=papers.example.org", "-keyout", key.toString(), "-out", cert.toString());
        assertThat(openssl.exitCode()).as(openssl.output()).isZero();
        String site = Files.readString(Path.of("ops/nginx-paperboy.conf"))
                .replace("/etc/letsencrypt/live/papers.example.org/fullchain.pem", cert.toString())
                .replace("/etc/letsencrypt/live/papers.example.org/privkey.pem", key.toString());
        Files.writeString(dir.resolve("paperboy.conf"), site);
        Files.writeString(dir.resolve("nginx.conf"), String.join("\n", List.of(
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + ";",
                "events {}",
                "http {",
                "  access_log off;",
                "  include " + dir.resolve("paperboy.conf") + ";",
                "}", "")));

        Run test = run("/usr/sbin/nginx", "-t", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString());

        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("syntax is ok").doesNotContain("[warn]");
        assertThat(site).contains("proxy_set_header X-Forwarded-For $remote_addr;");
    }
}
