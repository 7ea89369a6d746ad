package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.apache.james.jdkim.DKIMVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.config.Settings;
import org.slf4j.LoggerFactory;

/** Which provider makes DKIM's signatures, and that the JDK's fallback writes the same bytes. */
class DkimCryptoTest {

    @TempDir
    Path dir;

    @Test
    void thePinnedNativeProviderSignsOnThisPlatform() {
        // the dependency ships Linux x86-64; on another platform this names why it did not load
        assertThat(DkimCrypto.detect().isNative())
                .as("native provider: %s", String.valueOf(
                        com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError()))
                .isTrue();
    }

    @Test
    void withoutTheNativeProviderTheJdkSignsTheSameBytesAfterOneWarning() throws Exception {
        KeyPair rsa = DkimKeys.generate(DkimKeys.Type.RSA, 2048);
        KeyPair ed = DkimKeys.generate(DkimKeys.Type.ED25519, 0);
        Path rsaKey = Files.writeString(dir.resolve("rsa.pem"), DkimKeys.pem(rsa.getPrivate()));
        Path edKey = Files.writeString(dir.resolve("ed.pem"), DkimKeys.pem(ed.getPrivate()));
        Settings.Dkim dkim = new Settings.Dkim("paperboy.test", List.of("s1", "s2"), List.of(rsaKey, edKey));
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(DkimCrypto.class);
        logger.addAppender(logs);
        try {
            DkimCrypto jdk = DkimCrypto.jdk(new UnsatisfiedLinkError("no library\nfor this platform"));

            byte[] byJdk = DkimSigner.of(dkim, jdk).sign(message()).content();
            byte[] byNative = DkimSigner.of(dkim, DkimCrypto.detect()).sign(message()).content();

            assertThat(jdk.isNative()).isFalse();
            assertThat(byJdk).isEqualTo(byNative); // PKCS#1 v1.5 and Ed25519 are deterministic
            String record = "v=DKIM1; k=rsa; p=" + java.util.Base64.getEncoder().encodeToString(rsa.getPublic().getEncoded());
            DKIMVerifier verifier = new DKIMVerifier((method, selector, domain) -> List.of(record));
            assertThat(verifier.verify(new ByteArrayInputStream(byJdk))).hasSize(1);
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("event=dkim_native_crypto_unavailable", "no library for this platform");
        } finally {
            logger.detachAppender(logs);
        }
    }

    private static OutgoingMessage message() {
        Letter letter = new Letter("Paperboy <digest@paperboy.test>", "", "ada@example.org", "Today's papers",
                ZonedDateTime.of(2026, 11, 26, 7, 0, 0, 0, ZoneOffset.UTC), "<m1@paperboy.test>",
                List.of(Map.entry("List-Unsubscribe", "<https://papers.example.org/unsubscribe?token=x>"),
                        Map.entry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")));
        byte[] content = new LetterWriter("b1").write(letter, BodyTemplate.plain("Hello\n", BodyTemplate.Kind.TEXT),
                BodyTemplate.plain("<p>Hello</p>", BodyTemplate.Kind.HTML), Map.of());
        return new OutgoingMessage(new Envelope("b@paperboy.test", "ada@example.org"), content);
    }
}
