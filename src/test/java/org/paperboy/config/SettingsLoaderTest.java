package org.paperboy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {

    @TempDir
    Path workDir;

    private void yaml(String text) throws Exception {
        Files.createDirectories(workDir.resolve("config"));
        Files.writeString(workDir.resolve("config/paperboy.yml"), text);
    }

    @Test
    void builtInDefaultsNeedNoFiles() {
        Settings settings = SettingsLoader.load(Map.of(), workDir);

        assertThat(settings.database().url()).isEqualTo("jdbc:h2:file:./data/paperboy;AUTO_SERVER=TRUE");
        assertThat(settings.smtp().security()).isEqualTo(Settings.SmtpSecurity.STARTTLS);
        assertThat(settings.digest().size()).isEqualTo(10);
        assertThat(settings.digest().timezone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(settings.sending().connections()).isEqualTo(4);
        assertThat(settings.sending().retryBackoff()).containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(15),
                Duration.ofHours(1), Duration.ofHours(3));
        assertThat(settings.sources().enabled()).containsExactly("huggingface");
    }

    @Test
    void environmentBeatsDotEnvBeatsYamlBeatsDefault() throws Exception {
        yaml("digest_size: 7\nsmtp_host: yaml.example.org\nsmtp_port: 2525\nweb_port: 9000\n");
        Files.writeString(workDir.resolve(".env"), "# local overrides\nPAPERBOY_SMTP_HOST=dotenv.example.org\n"
                + "export PAPERBOY_SMTP_PORT=\"2526\"\n");

        Settings settings = SettingsLoader.load(Map.of("PAPERBOY_SMTP_HOST", "env.example.org", "HOME", "/root"), workDir);

        assertThat(settings.smtp().host()).isEqualTo("env.example.org");
        assertThat(settings.smtp().port()).isEqualTo(2526);
        assertThat(settings.digest().size()).isEqualTo(7);
        assertThat(settings.web().port()).isEqualTo(9000);
        assertThat(settings.mail().from()).isEqualTo("Paperboy <digest@example.org>");
    }

    @Test
    void aMalformedValueNamesTheKeyTheValueAndWhatIsAccepted() {
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_DIGEST_SIZE", "many"), workDir))
                .isInstanceOf(ConfigException.class)
                .hasMessage("PAPERBOY_DIGEST_SIZE='many' is not valid: expected a whole number from 1 to 25");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_SMTP_SECURITY", "ssl"), workDir))
                .hasMessage("PAPERBOY_SMTP_SECURITY='ssl' is not valid: expected one of starttls, tls, none");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_TIMEZONE", "Mars/Olympus"), workDir))
                .hasMessageContaining("PAPERBOY_TIMEZONE='Mars/Olympus'");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_BASE_URL", "papers.example.org"), workDir))
                .hasMessage("PAPERBOY_BASE_URL='papers.example.org' is not valid: expected an absolute http:// or https:// URL");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_MAIL_FROM", "not an address"), workDir))
                .hasMessageStartingWith("PAPERBOY_MAIL_FROM='not an address' is not valid");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_RETRY_BACKOFF", "5m,soon"), workDir))
                .hasMessage("PAPERBOY_RETRY_BACKOFF='5m,soon' is not valid: expected durations such as 30s, 5m, 1h or 2d");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_CDS", "maybe"), workDir))
                .hasMessage("PAPERBOY_CDS='maybe' is not valid: expected on or off");
        assertThat(SettingsLoader.load(Map.of("PAPERBOY_CDS", "off"), workDir).digest().size()).isEqualTo(10);
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_SOURCES", "huggingface,twitter"), workDir))
                .hasMessageContaining("PAPERBOY_SOURCES='huggingface,twitter'");
    }

    @Test
    void mailboxSettingsMustBeExactlyOneAddressAsJakartaMailReadsIt() {
        for (String[] bad : new String[][] {
                {"PAPERBOY_MAIL_FROM", "Doe, Jane <jane@example.org>"},
                {"PAPERBOY_MAIL_FROM", "jane@example.org, joe@example.org"},
                {"PAPERBOY_MAIL_FROM", "Jane <jane@example.org"},
                {"PAPERBOY_MAIL_FROM", "jane@"},
                {"PAPERBOY_MAIL_REPLY_TO", "Doe, Jane <jane@example.org>"},
                {"PAPERBOY_MAIL_REPLY_TO", "jane@example.org jane@example.net"},
                {"PAPERBOY_BOUNCE_ADDRESS", "Bounces <bounces+TOKEN@example.org>"},
                {"PAPERBOY_BOUNCE_ADDRESS", "bounces+TOKEN@example.org, x@example.org"}}) {
            assertThatThrownBy(() -> SettingsLoader.load(Map.of(bad[0], bad[1]), workDir)).as(bad[1])
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(bad[0] + "='" + bad[1] + "' is not valid");
        }

        Settings settings = SettingsLoader.load(Map.of("PAPERBOY_MAIL_FROM", "\"Doe, Jane\" <jane@example.org>",
                "PAPERBOY_MAIL_REPLY_TO", "replies@example.org", "PAPERBOY_BOUNCE_ADDRESS", "bounces+TOKEN@example.org"),
                workDir);
        assertThat(settings.mail().from()).isEqualTo("\"Doe, Jane\" <jane@example.org>");
        assertThat(settings.mail().replyTo()).isEqualTo("replies@example.org");
        assertThat(settings.mail().bounceAddress()).isEqualTo("bounces+TOKEN@example.org");
    }

    @Test
    void anAdminTokenShorterThan32CharactersIsRefusedAndAnEmptyOneDisablesTheApi() {
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_ADMIN_TOKEN", "a-long-random-token"), workDir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PAPERBOY_ADMIN_TOKEN=")
                .hasMessageContaining("at least 32 characters")
                .hasMessageContaining("openssl rand -hex 32")
                .hasMessageNotContaining("a-long-random-token");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_ADMIN_TOKEN", "x".repeat(31)), workDir))
                .hasMessageStartingWith("PAPERBOY_ADMIN_TOKEN=");

        assertThat(SettingsLoader.load(Map.of("PAPERBOY_ADMIN_TOKEN", "x".repeat(32)), workDir).web().adminToken())
                .hasSize(32);
        assertThat(SettingsLoader.load(Map.of(), workDir).web().adminToken()).isEmpty();
    }

    @Test
    void trustedProxiesAreAddressesOrRangesAndTheWebHostAnAddress() {
        Settings settings = SettingsLoader.load(Map.of("PAPERBOY_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8",
                "PAPERBOY_WEB_HOST", "127.0.0.1"), workDir);
        assertThat(settings.web().trustedProxies()).extracting(Object::toString)
                .containsExactly("127.0.0.1/32", "10.0.0.0/8", "0:0:0:0:0:0:0:1/128", "fd00:0:0:0:0:0:0:0/8");
        assertThat(settings.web().host()).isEqualTo("127.0.0.1");
        assertThat(SettingsLoader.load(Map.of(), workDir).web().trustedProxies()).isEmpty();
        assertThat(SettingsLoader.load(Map.of(), workDir).web().host()).isEmpty();

        for (String bad : List.of("proxy.example.org", "10.0.0.0/33", "10.0.0.1/", "300.1.1.1", "::1/129", "10.0.0.0/-1")) {
            assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_TRUSTED_PROXIES", bad), workDir)).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("PAPERBOY_TRUSTED_PROXIES='" + bad + "' is not valid");
        }
        for (String bad : List.of("example.org", "0.0.0.0:8080", "256.0.0.1")) {
            assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_WEB_HOST", bad), workDir)).as(bad)
                    .hasMessageStartingWith("PAPERBOY_WEB_HOST='" + bad + "' is not valid");
        }
    }

    @Test
    void aLineBreakInAValueIsRefused() {
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_LIST_NAME", "Papers\r\nBcc: all@example.org"), workDir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PAPERBOY_LIST_NAME")
                .hasMessageContaining("without line breaks or control characters");
    }

    @Test
    void unknownKeysAreRefusedWhereverTheyAre() throws Exception {
        assertThatThrownBy(() -> SettingsLoader.load(Map.of("PAPERBOY_SMTP_HOTS", "x"), workDir))
                .hasMessageStartingWith("PAPERBOY_SMTP_HOTS: unknown setting");
        yaml("smtp_hots: x\n");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), workDir))
                .hasMessageStartingWith("paperboy.yml: smtp_hots: unknown setting");
    }

    @Test
    void aBrokenYamlFileIsReportedAsSuch() throws Exception {
        yaml("digest_size: [1, 2\n");

        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), workDir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot be read as YAML");
    }

    @Test
    void everySettingIsDocumentedInEnvExampleWithItsDefault() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(".env.example"));
        for (SettingKey key : SettingKey.values()) {
            String expected = key.envName() + "=" + key.defaultValue();
            assertThat(lines).as("line for %s", key.envName()).anyMatch(line -> line.equals(expected)
                    || line.equals("# " + expected));
        }
    }

    @Test
    void theShippedYamlFileLoads() throws Exception {
        Files.createDirectories(workDir.resolve("config"));
        Files.copy(Path.of("config/paperboy.yml"), workDir.resolve("config/paperboy.yml"));

        Settings settings = SettingsLoader.load(Map.of(), workDir);

        assertThat(settings.digest().size()).isEqualTo(10);
    }
}
