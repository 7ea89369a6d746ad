package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.apache.james.jdkim.DKIMVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.config.ConfigException;
import org.paperboy.config.Settings;
import org.paperboy.testing.Processes;

/** Keys as operators make them with openssl: PKCS#8 and PKCS#1 PEM, RSA and Ed25519; weak or locked keys refused. */
class DkimKeysTest {

    @TempDir
    Path dir;

    private Path openssl(String name, String... args) throws Exception {
        Path key = dir.resolve(name);
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.add(args[0]);
        command.addAll(List.of("-out", key.toString())); // before the arguments: genrsa takes the size last
        command.addAll(List.of(args).subList(1, args.length));
        Processes.run(command);
        return key;
    }

    private String publicRecord(Path key) throws Exception {
        Path pub = dir.resolve(key.getFileName() + ".pub");
        Processes.run(List.of("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()));
        String pem = Files.readString(pub);
        return "v=DKIM1; k=rsa; p=" + pem.replaceAll("-----[A-Z ]+-----|\\s", "");
    }

    private static byte[] letter() {
        Letter letter = new Letter("Paperboy <digest@paperboy.test>", "", "ada@example.org", "Today's papers",
                ZonedDateTime.of(2026, 11, 26, 7, 0, 0, 0, ZoneOffset.UTC), "<m1@paperboy.test>",
                List.of(Map.entry("List-Unsubscribe", "<https://papers.example.org/unsubscribe?token=x>"),
                        Map.entry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")));
        return new LetterWriter("b1").write(letter, BodyTemplate.plain("Hello\n", BodyTemplate.Kind.TEXT),
                BodyTemplate.plain("<p>Hello</p>", BodyTemplate.Kind.HTML), Map.of());
    }

    @Test
    void signsWithAPkcs1AndAPkcs8KeyFromOpenssl() throws Exception {
        Path pkcs1 = openssl("pkcs1.pem", "genrsa", "-traditional", "2048");
        Path pkcs8 = openssl("pkcs8.pem", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(pkcs8)).startsWith("-----BEGIN PRIVATE KEY-----");

        for (Path key : List.of(pkcs1, pkcs8)) {
            DkimSigner signer = DkimSigner.of(new Settings.Dkim("paperboy.test", List.of("s1"), List.of(key)));
            byte[] signed = signer.sign(new OutgoingMessage(new Envelope("b@paperboy.test", "ada@example.org"),
                    letter())).content();
            String record = publicRecord(key);
            DKIMVerifier verifier = new DKIMVerifier((method, selector, domain) -> List.of(record));

            assertThat(verifier.verify(new ByteArrayInputStream(signed))).as(key.getFileName().toString()).hasSize(1);
        }
    }

    @Test
    void refusesAnRsaKeyUnder2048BitsNamingTheSetting() throws Exception {
        Path weak = openssl("weak.pem", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024");

        assertThatThrownBy(() -> DkimSigner.of(new Settings.Dkim("paperboy.test", List.of("s1"), List.of(weak))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("PAPERBOY_DKIM_PRIVATE_KEY='" + weak + "' is not valid: expected an RSA key of at least"
                        + " 2048 bits (1024 found)");
    }

    @Test
    void refusesAnEncryptedKeyAndAnEd25519KeyInTheRsaPlace() throws Exception {
        Path locked = openssl("locked.pem", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-aes256", "-pass", "pass:secret");
        Path ed = openssl("ed.pem", "genpkey", "-algorithm", "ed25519");

        assertThatThrownBy(() -> DkimSigner.of(new Settings.Dkim("paperboy.test", List.of("s1"), List.of(locked))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("an unencrypted PEM private key");
        assertThatThrownBy(() -> DkimSigner.of(new Settings.Dkim("paperboy.test", List.of("s1"), List.of(ed))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("the first key must be RSA");
        // in second place an openssl Ed25519 key is taken
        Path rsa = openssl("rsa.pem", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
        byte[] signed = DkimSigner.of(new Settings.Dkim("paperboy.test", List.of("s1", "s2"), List.of(rsa, ed)))
                .sign(new OutgoingMessage(new Envelope("b@paperboy.test", "ada@example.org"), letter())).content();
        assertThat(new String(signed, StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: v=1; a=ed25519-sha256;");
    }
}
