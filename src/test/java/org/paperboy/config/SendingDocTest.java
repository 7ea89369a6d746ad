package org.paperboy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/sending.md shows real settings: every name exists, and the ones the mail-server tests set are all shown. */
class SendingDocTest {

    @Test
    void everySettingShownExistsAndTheTestedOnesAreShown() throws Exception {
        String doc = Files.readString(Path.of("docs/sending.md"));
        Matcher names = Pattern.compile("PAPERBOY_[A-Z0-9_]+").matcher(doc);
        while (names.find()) {
            assertThat(SettingKey.byEnvName(names.group())).as(names.group()).isPresent();
        }
        // what PrivateMailServers.submission, DkimSigningTest and PostfixBouncesTest set
        for (String key : new String[] {"SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_USERNAME", "SMTP_PASSWORD",
                "SMTP_TRUST", "DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY", "BOUNCE_ADDRESS",
                "BOUNCE_MAILBOX_HOST", "BOUNCE_MAILBOX_PORT", "BOUNCE_MAILBOX_SECURITY", "BOUNCE_MAILBOX_USERNAME",
                "BOUNCE_MAILBOX_PASSWORD"}) {
            assertThat(doc).as(key).containsPattern("(?m)^(# )?PAPERBOY_" + key + "=");
        }
        for (String security : new String[] {"none", "starttls", "tls"}) {
            assertThat(doc).contains("PAPERBOY_SMTP_SECURITY=" + security + "\n");
        }
    }
}
