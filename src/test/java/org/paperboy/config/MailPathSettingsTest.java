package org.paperboy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.mail.ServerTrust;

/** The trust and DKIM settings: all or nothing, one line naming the key when wrong. */
class MailPathSettingsTest {

    @TempDir
    Path dir;

    @Test
    void dkimIsOffByDefaultAndNeedsDomainSelectorAndKeyTogether() throws Exception {
        assertThat(SettingsLoader.fromMap(Map.of()).dkim().enabled()).isFalse();
        Path key = Files.writeString(dir.resolve("k.pem"), "placeholder");

        assertThatThrownBy(() -> SettingsLoader.fromMap(Map.of("DKIM_SELECTOR", "s1", "DKIM_PRIVATE_KEY", key.toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("PAPERBOY_DKIM_DOMAIN=(unset) is not valid");
        assertThatThrownBy(() -> SettingsLoader.fromMap(Map.of("DKIM_DOMAIN", "example.org", "DKIM_SELECTOR", "s1,s2",
                "DKIM_PRIVATE_KEY", key.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PAPERBOY_DKIM_PRIVATE_KEY").hasMessageContaining("one PEM key file per selector");
        assertThatThrownBy(() -> SettingsLoader.fromMap(Map.of("DKIM_DOMAIN", "example.org", "DKIM_SELECTOR",
                "bad selector", "DKIM_PRIVATE_KEY", key.toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("PAPERBOY_DKIM_SELECTOR='bad selector'");
        assertThatThrownBy(() -> SettingsLoader.fromMap(Map.of("DKIM_DOMAIN", "example.org", "DKIM_SELECTOR", "s1",
                "DKIM_PRIVATE_KEY", dir.resolve("missing.pem").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("paperboy dkim keygen");

        Settings.Dkim dkim = SettingsLoader.fromMap(Map.of("DKIM_DOMAIN", "Example.ORG", "DKIM_SELECTOR", "s1",
                "DKIM_PRIVATE_KEY", key.toString())).dkim();
        assertThat(dkim).isEqualTo(new Settings.Dkim("example.org", List.of("s1"), List.of(key)));
    }

    @Test
    void aTrustFileMustExistAndHoldCertificates() throws Exception {
        assertThatThrownBy(() -> SettingsLoader.fromMap(Map.of("SMTP_TRUST", dir.resolve("none.pem").toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("PAPERBOY_SMTP_TRUST=");
        Path notCertificates = Files.writeString(dir.resolve("notes.txt"), "not a certificate");

        assertThatThrownBy(() -> ServerTrust.from(notCertificates.toString()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("PAPERBOY_SMTP_TRUST='" + notCertificates);
        assertThat(ServerTrust.from("").added()).isZero();
    }
}
