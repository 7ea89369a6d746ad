package org.paperboy.mail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.tagvalue.SignatureRecordTemplate;
import org.paperboy.config.Settings;

/**
 * Signs outgoing messages with DKIM (RFC 6376), {@code relaxed/relaxed}, over the headers mailbox
 * providers look at, including the one-click unsubscribe headers (RFC 8058 asks for them to be
 * signed). The RSA signature record, the body hash and the canonical header data are Apache James
 * jDKIM's, fed with the pre-encoded bytes directly (its own entry point parses each message with
 * mime4j first, which the bytes do not need). Two steps are ours:
 * <ul>
 *   <li>the RSA signature itself is made by {@link DkimCrypto}'s provider: jDKIM's signer asks the
 *       JVM's default provider, whose RSA costs four times the native one's, and the signature is
 *       most of the cost of a signed message (bench/RESULTS.md); jDKIM's canonicalisation
 *       ({@code DKIMCommon.signatureCheck}) feeds our {@link Signature};</li>
 *   <li>the optional second signature with Ed25519 (RFC 8463): jDKIM 0.5 knows only RSA
 *       ({@code SigningAlgorithm} has RSA alone). It reuses jDKIM's body hash, the same for both
 *       ({@code c=relaxed/relaxed}, no {@code l=}), and canonicalizes the headers itself.</li>
 * </ul>
 *
 * <p>Thread-safe and lock-free: each connection thread signs its own messages.
 */
public final class DkimSigner {

    /** The headers signed when present, in this order. */
    static final List<String> SIGNED_HEADERS = List.of("from", "to", "subject", "date", "message-id", "reply-to",
            "mime-version", "content-type", "list-id", "list-unsubscribe", "list-unsubscribe-post");

    private static final byte[] CRLF = {'\r', '\n'};

    private final DkimCrypto crypto;
    private final String domain;
    private final String rsaSelector;
    private final PrivateKey rsaKey;
    private final String edSelector;
    private final PrivateKey edKey;

    DkimSigner(DkimCrypto crypto, String domain, String rsaSelector, PrivateKey rsaKey, String edSelector,
               PrivateKey edKey) {
        this.crypto = crypto;
        this.domain = domain;
        this.rsaSelector = rsaSelector;
        this.rsaKey = crypto.prepare(rsaKey);
        this.edSelector = edSelector;
        this.edKey = edKey == null ? null : crypto.prepare(edKey);
    }

    /**
     * The signer of {@code dkim}, its keys read now; null when signing is off.
     *
     * @throws org.paperboy.config.ConfigException naming {@code PAPERBOY_DKIM_PRIVATE_KEY} for a key that cannot be used
     */
    public static DkimSigner of(Settings.Dkim dkim) {
        // the native provider is loaded (its library unpacked, its self-tests run) only when signing is on
        return dkim.enabled() ? of(dkim, DkimCrypto.detect()) : null;
    }

    static DkimSigner of(Settings.Dkim dkim, DkimCrypto crypto) {
        if (!dkim.enabled()) {
            return null;
        }
        PrivateKey rsa = DkimKeys.readRsa(dkim.keyFiles().get(0));
        PrivateKey ed = dkim.keyFiles().size() > 1 ? DkimKeys.readEd25519(dkim.keyFiles().get(1)) : null;
        return new DkimSigner(crypto, dkim.domain(), dkim.selectors().get(0), rsa,
                ed == null ? null : dkim.selectors().get(1), ed);
    }

    /** {@code message} with its DKIM-Signature header(s) in front. */
    public OutgoingMessage sign(OutgoingMessage message) {
        byte[] content = message.content();
        int bodyStart = bodyStart(content);
        List<String> fields = fields(content, bodyStart);
        List<String> signed = new ArrayList<>();
        for (String name : SIGNED_HEADERS) {
            if (last(fields, name) != null) {
                signed.add(name);
            }
        }
        String h = String.join(":", signed);
        try {
            String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + rsaSelector + "; h=" + h
                    + "; bh=; b=;";
            SignatureRecord record = new SignatureRecordTemplate(template);
            byte[] bodyHash = bodyHash(record, content, bodyStart);
            record.setBodyHash(bodyHash);
            Signature rsa = crypto.signer("SHA256withRSA", rsaKey);
            HeaderData.update(new FieldList(fields), record, rsa);
            record.setSignature(rsa.sign());
            String rsaHeader = fold("DKIM-Signature:" + record);
            String edHeader = edKey == null ? null : ed25519(fields, signed, Base64.getEncoder().encodeToString(bodyHash));
            byte[] first = (rsaHeader + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] second = edHeader == null ? new byte[0] : (edHeader + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[second.length + first.length + content.length];
            System.arraycopy(second, 0, out, 0, second.length);
            System.arraycopy(first, 0, out, second.length, first.length);
            System.arraycopy(content, 0, out, second.length + first.length, content.length);
            return new OutgoingMessage(message.envelope(), out);
        } catch (IOException | PermFailException | GeneralSecurityException e) {
            throw new IllegalStateException("DKIM signing failed: " + e.getMessage(), e);
        }
    }

    /** jDKIM's relaxed body hash of {@code content} from {@code bodyStart}. */
    private static byte[] bodyHash(SignatureRecord record, byte[] content, int bodyStart)
            throws IOException, PermFailException {
        BodyHasherImpl hasher = new BodyHasherImpl(record);
        try (OutputStream body = hasher.getOutputStream()) {
            body.write(content, bodyStart, content.length - bodyStart);
        }
        return hasher.getDigest(); // a digest is read once
    }

    /** The Ed25519 signature of RFC 8463: Ed25519 over the SHA-256 of the canonical header data. */
    private String ed25519(List<String> fields, List<String> signed, String bodyHash) throws GeneralSecurityException {
        String header = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + edSelector
                + ";\r\n\th=" + String.join(":", signed) + ";\r\n\tbh=" + bodyHash + ";\r\n\tb=";
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (String name : signed) {
            sha256.update(relaxed(last(fields, name)).getBytes(StandardCharsets.UTF_8));
            sha256.update(CRLF);
        }
        sha256.update(relaxed(header).getBytes(StandardCharsets.UTF_8)); // the signature header last, without CRLF
        Signature ed = crypto.signer("Ed25519", edKey);
        ed.update(sha256.digest());
        return header + Base64.getEncoder().encodeToString(ed.sign());
    }

    /** Relaxed header canonicalization (RFC 6376 §3.4.2). */
    static String relaxed(String field) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = field.substring(colon + 1).replace("\r\n", "").replaceAll("[ \t]+", " ").strip();
        return name + ":" + value;
    }

    /** Folds jDKIM's one-line header after its semicolons, which relaxed canonicalization reads as the same space. */
    private static String fold(String header) {
        return header.replace("; ", ";\r\n\t");
    }

    private static int bodyStart(byte[] content) {
        for (int i = 0; i + 3 < content.length; i++) {
            if (content[i] == '\r' && content[i + 1] == '\n' && content[i + 2] == '\r' && content[i + 3] == '\n') {
                return i + 4;
            }
        }
        return content.length;
    }

    /** The header fields as written, folding line breaks kept, without the final CRLF. */
    private static List<String> fields(byte[] content, int bodyStart) {
        String headers = new String(content, 0, Math.max(0, bodyStart - 2), StandardCharsets.US_ASCII);
        List<String> fields = new ArrayList<>();
        for (String line : headers.split("\r\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !fields.isEmpty()) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\r\n" + line);
            } else {
                fields.add(line);
            }
        }
        return fields;
    }

    /** The last field called {@code name}: the one a signature over one instance covers (RFC 6376 §5.4.2). */
    private static String last(List<String> fields, String name) {
        String found = null;
        for (String field : fields) {
            int colon = field.indexOf(':');
            if (colon > 0 && field.substring(0, colon).strip().equalsIgnoreCase(name)) {
                found = field;
            }
        }
        return found;
    }

    /**
     * jDKIM's canonical header data (the signed fields, then the signature's own header without its
     * {@code b=} value), which it keeps in a protected method of {@code DKIMCommon}.
     */
    private static final class HeaderData extends DKIMCommon {
        static void update(Headers headers, SignatureRecord record, Signature signature)
                throws SignatureException, PermFailException {
            signatureCheck(headers, record, record.getHeaders(), signature);
        }
    }

    /** The fields in the shape jDKIM reads them. */
    private record FieldList(List<String> fields) implements Headers {
        @Override
        public List<String> getFields() {
            return fields;
        }

        @Override
        public List<String> getFields(String name) {
            List<String> named = new ArrayList<>();
            for (String field : fields) {
                int colon = field.indexOf(':');
                if (colon > 0 && field.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    named.add(field);
                }
            }
            return named;
        }
    }
}
