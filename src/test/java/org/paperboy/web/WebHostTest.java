package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.testing.LocalAddresses;

class WebHostTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    @Test
    void theWebServerListensOnlyOnTheConfiguredHost() throws Exception {
        InetAddress outside = LocalAddresses.nonLoopback().orElse(null);
        Assumptions.assumeTrue(outside != null, "this machine has no address but loopback");
        try (WebHarness web = WebHarness.start(dir, greenMail, WebLimits.DEFAULT, Map.of("WEB_HOST", "127.0.0.1"))) {
            assertThat(web.get("/health").statusCode()).isEqualTo(200);
            assertThat(LocalAddresses.accepts(outside, web.server.port())).as("reachable at %s", outside).isFalse();
        }
    }

    @Test
    void withoutAHostTheServerListensOnEveryInterface() throws Exception {
        InetAddress outside = LocalAddresses.nonLoopback().orElse(null);
        Assumptions.assumeTrue(outside != null, "this machine has no address but loopback");
        try (WebHarness web = WebHarness.start(dir, greenMail)) {
            assertThat(LocalAddresses.accepts(outside, web.server.port())).isTrue();
        }
    }
}
