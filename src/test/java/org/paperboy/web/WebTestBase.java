package org.paperboy.web;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link WebHarness} per test: Paperboy on its own database, its pages, GreenMail as the SMTP server. */
abstract class WebTestBase {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    WebHarness web;

    @BeforeEach
    void startWeb() {
        web = WebHarness.start(dir, greenMail);
    }

    @AfterEach
    void stopWeb() {
        web.close();
    }
}
