package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.cli.Main;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.delivery.SendReport;
import org.paperboy.subscriptions.ConfirmationMailer;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.OpenDkimVerifier;
import org.paperboy.testing.PrivateMailServers;
import org.paperboy.testing.PrivatePostfix;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/**
 * DKIM signatures as a receiver checks them: messages signed by Paperboy, delivered by a real
 * Postfix, verified by OpenDKIM (another implementation) against the published public keys.
 */
class DkimSigningTest {

    static final LocalDate DATE = LocalDate.parse("2026-11-26");
    static final String DOMAIN = PrivatePostfix.DOMAIN;

    @TempDir
    static Path shared;

    static PrivateMailServers mail;
    static OpenDkimVerifier verifier;
    static Path rsaKey;
    static Path edKey;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));

    @BeforeAll
    static void start() throws Exception {
        List<String> readers = new ArrayList<>();
        for (String prefix : new String[] {"digest", "confirm", "retry", "dual", "keygen"}) {
            readers.add(prefix + "1");
            readers.add(prefix + "2");
        }
        mail = PrivateMailServers.start(shared, readers);
        verifier = OpenDkimVerifier.start(shared);
        KeyPair rsa = DkimKeys.generate(DkimKeys.Type.RSA, 2048);
        KeyPair ed = DkimKeys.generate(DkimKeys.Type.ED25519, 0);
        rsaKey = Files.writeString(shared.resolve("rsa.pem"), DkimKeys.pem(rsa.getPrivate()));
        edKey = Files.writeString(shared.resolve("ed.pem"), DkimKeys.pem(ed.getPrivate()));
        verifier.publish("news2026", DOMAIN, DkimKeys.record(rsa.getPublic()));
        verifier.publish("news2026ed", DOMAIN, DkimKeys.record(ed.getPublic()));
    }

    @AfterAll
    static void stop() {
        if (verifier != null) {
            verifier.close();
        }
        if (mail != null) {
            mail.close();
        }
    }

    private TestSettings signing(String selectors, String keys) {
        return mail.submission(TestSettings.in(dir)).with("DKIM_DOMAIN", DOMAIN).with("DKIM_SELECTOR", selectors)
                .with("DKIM_PRIVATE_KEY", keys);
    }

    private Paperboy open(TestSettings settings, String... readers) {
        Paperboy paperboy = Paperboy.open(settings.build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
        for (String reader : readers) {
            paperboy.subscribers().addIfAbsent(EmailAddress.parse(reader + "@" + DOMAIN), SubscriberStatus.ACTIVE,
                    Subscriber.Consent.byOperator(clock.instant(), "test"));
        }
        return paperboy;
    }

    private static byte[] deliveredTo(String reader) throws Exception {
        List<Path> delivered = mail.postfix().awaitDelivered(reader, 1);
        assertThat(delivered).as("messages for " + reader).hasSize(1);
        return Files.readAllBytes(delivered.get(0));
    }

    private static void assertVerifies(byte[] message) throws Exception {
        OpenDkimVerifier.Verdict verdict = verifier.verify(message);
        assertThat(verdict.verified()).as("opendkim-testmsg: exit %d, %s", verdict.exitCode(), verdict.output()).isTrue();
    }

    /** The whole DKIM-Signature field (folded lines included, no final line break) with {@code a=algorithm}. */
    private static String signatureHeader(byte[] message, String algorithm) {
        String text = new String(message, StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("(?m)^DKIM-Signature:.*(?:\\r?\\n[ \\t].*)*").matcher(text);
        while (m.find()) {
            if (m.group().replaceAll("\\s+", "").contains("a=" + algorithm + ";")) {
                return m.group();
            }
        }
        throw new AssertionError("no DKIM-Signature with a=" + algorithm + " in " + text.substring(0, 1500));
    }

    @Test
    void digestsAreSignedOverTheOneClickHeadersAndVerify() throws Exception {
        try (Paperboy paperboy = open(signing("news2026", rsaKey.toString()), "digest1", "digest2")) {
            assertThat(paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE).sentNow()).isEqualTo(2);
        }
        for (String reader : List.of("digest1", "digest2")) {
            byte[] message = deliveredTo(reader);
            String header = signatureHeader(message, "rsa-sha256").replaceAll("\\s+", "");
            assertThat(header).contains("c=relaxed/relaxed;", "d=" + DOMAIN + ";", "s=news2026;")
                    .contains("h=from:to:subject:date:message-id:mime-version:content-type:list-id:list-unsubscribe:"
                            + "list-unsubscribe-post;");
            assertVerifies(message);
        }
        // the check can fail: one changed letter in the body and the signature no longer holds
        String tampered = new String(deliveredTo("digest1"), StandardCharsets.US_ASCII).replaceFirst("Abstract", "abstract");
        assertThat(verifier.verify(tampered.getBytes(StandardCharsets.US_ASCII)).verified()).isFalse();
    }

    @Test
    void confirmationMailIsSignedAndVerifies() throws Exception {
        try (Paperboy paperboy = open(signing("news2026", rsaKey.toString()))) {
            ConfirmationMailer mailer = new ConfirmationMailer(paperboy.templates(), paperboy.settings().mail(),
                    "https://papers.example.org", paperboy.transports(), ZoneOffset.UTC, clock);
            boolean sent = mailer.send("confirm1@" + DOMAIN, new ConfirmationMailer.Links(
                    "https://papers.example.org/confirm?token=t", "https://papers.example.org/preferences?token=p",
                    "https://papers.example.org/unsubscribe?token=u"));
            assertThat(sent).isTrue();
        }
        assertVerifies(deliveredTo("confirm1"));
    }

    @Test
    void aMessageSentOnRetryIsSignedAfreshAndVerifies() throws Exception {
        try (Paperboy paperboy = open(signing("news2026", rsaKey.toString()), "retry1", "retry2")) {
            mail.postfix().deferRecipients("retry2@" + DOMAIN);
            SendReport first;
            try {
                first = paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);
            } finally {
                mail.postfix().deferRecipients();
            }
            assertThat(first.sentNow()).isEqualTo(1);
            assertThat(first.deferredNow()).isEqualTo(1);
            clock.advance(java.time.Duration.ofMinutes(10));

            SendReport retry = paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE);

            assertThat(retry.sentNow()).isEqualTo(1);
        }
        assertVerifies(deliveredTo("retry1"));
        assertVerifies(deliveredTo("retry2"));
    }

    @Test
    void aSecondEd25519SignatureVerifiesOnItsOwnAsDoesTheRsaOne() throws Exception {
        try (Paperboy paperboy = open(signing("news2026,news2026ed", rsaKey + "," + edKey), "dual1")) {
            assertThat(paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE).sentNow()).isEqualTo(1);
        }
        byte[] message = deliveredTo("dual1");
        String text = new String(message, StandardCharsets.US_ASCII);
        String rsa = signatureHeader(message, "rsa-sha256");
        String ed = signatureHeader(message, "ed25519-sha256");

        assertVerifies(message);
        assertVerifies(text.replace(rsa + "\n", "").getBytes(StandardCharsets.US_ASCII));
        assertVerifies(text.replace(ed + "\n", "").getBytes(StandardCharsets.US_ASCII));
        // and each alone can fail: a changed subject breaks the Ed25519 signature too
        String forged = text.replace(rsa + "\n", "").replaceFirst("(?m)^Subject: ", "Subject: Re: ");
        assertThat(verifier.verify(forged.getBytes(StandardCharsets.US_ASCII)).verified()).isFalse();
    }

    @Test
    void keygenWritesAKeyWhoseRecordVerifiesItsSignatures() throws Exception {
        Path key = dir.resolve("keygen.pem");
        StringWriter out = new StringWriter();
        int exit = Main.run(new String[] {"dkim", "keygen", "--selector", "fresh2026", "--domain", DOMAIN,
                "--out", key.toString()}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));

        assertThat(exit).isZero();
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        Matcher record = Pattern.compile("fresh2026\\._domainkey\\." + Pattern.quote(DOMAIN) + "\\. IN TXT (.+)")
                .matcher(out.toString());
        assertThat(record.find()).as(out.toString()).isTrue();
        verifier.publish("fresh2026", DOMAIN, record.group(1).replaceAll("\"\\s*\"?", ""));

        try (Paperboy paperboy = open(signing("fresh2026", key.toString()), "keygen1")) {
            assertThat(paperboy.sender().send(DATE, SendMode.MANUAL, ProgressListener.NONE).sentNow()).isEqualTo(1);
        }
        assertVerifies(deliveredTo("keygen1"));
    }
}
