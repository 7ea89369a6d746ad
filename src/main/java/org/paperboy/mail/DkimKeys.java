package org.paperboy.mail;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.paperboy.config.ConfigException;
import org.paperboy.config.SettingKey;

/** DKIM keys: read from PEM files, made by {@code paperboy dkim keygen}, and their DNS records. */
public final class DkimKeys {

    /** Fewer bits are refused by receivers (RFC 8301). */
    public static final int MIN_RSA_BITS = 2048;

    /** Which kind of key. */
    public enum Type { RSA, ED25519 }

    private DkimKeys() {
    }

    /** A fresh key pair: RSA of {@code bits}, or Ed25519. */
    public static KeyPair generate(Type type, int bits) {
        try {
            if (type == Type.RSA) {
                if (bits < MIN_RSA_BITS) {
                    throw new IllegalArgumentException("RSA keys for DKIM need at least " + MIN_RSA_BITS + " bits");
                }
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(bits);
                return generator.generateKeyPair();
            }
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a " + type + " key: " + e.getMessage(), e);
        }
    }

    /** The private key as PKCS#8 PEM, as {@code openssl genpkey} writes it. */
    public static String pem(PrivateKey key) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    }

    /** The TXT record's value for {@code key}: {@code v=DKIM1; k=rsa; p=...} (RFC 6376 §3.6.1, RFC 8463 §4.2). */
    public static String record(PublicKey key) {
        if (key.getAlgorithm().equals("RSA")) {
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getEncoded());
        }
        byte[] spki = key.getEncoded();
        // an Ed25519 SubjectPublicKeyInfo is a fixed 12-byte prefix and the raw 32-byte key, which DNS carries
        byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw);
    }

    /** {@code value} as DNS character-strings of at most 255 bytes each, quoted, as zone files take them. */
    public static String zoneText(String value) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 250) {
            parts.add("\"" + value.substring(i, Math.min(value.length(), i + 250)) + "\"");
        }
        return String.join(" ", parts);
    }

    static PrivateKey readRsa(Path file) {
        PrivateKey key = read(file);
        if (!(key instanceof RSAPrivateKey rsa)) {
            throw unusable(file, "the first key must be RSA (" + key.getAlgorithm() + " found)");
        }
        if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw unusable(file, "an RSA key of at least " + MIN_RSA_BITS + " bits (" + rsa.getModulus().bitLength()
                    + " found)");
        }
        return key;
    }

    static PrivateKey readEd25519(Path file) {
        PrivateKey key = read(file);
        if (!key.getAlgorithm().equals("EdDSA") && !key.getAlgorithm().equals("Ed25519")) {
            throw unusable(file, "the second key must be Ed25519 (" + key.getAlgorithm() + " found)");
        }
        return key;
    }

    /** An unencrypted PEM private key, PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
    static PrivateKey read(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw unusable(file, "a readable PEM file");
        }
        boolean pkcs1 = pem.contains("-----BEGIN RSA PRIVATE KEY-----");
        String kind = pkcs1 ? "RSA PRIVATE KEY" : "PRIVATE KEY";
        int start = pem.indexOf("-----BEGIN " + kind + "-----");
        int end = pem.indexOf("-----END " + kind + "-----");
        if (start < 0 || end < start || pem.contains("ENCRYPTED")) {
            throw unusable(file, "an unencrypted PEM private key (PKCS#8 as 'openssl genpkey' writes it, or PKCS#1)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(start + kind.length() + 16, end));
        } catch (IllegalArgumentException e) {
            throw unusable(file, "valid base64 between the PEM lines");
        }
        if (pkcs1) {
            der = pkcs8OfRsa(der);
        }
        for (String algorithm : new String[] {"RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next kind
            }
        }
        throw unusable(file, "an RSA or Ed25519 private key");
    }

    /** Wraps a PKCS#1 RSA key in the PKCS#8 structure Java reads: version 0, rsaEncryption, the key. */
    private static byte[] pkcs8OfRsa(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.writeBytes(new byte[] {0x02, 0x01, 0x00});
        inner.writeBytes(algorithm);
        inner.writeBytes(der(0x04, pkcs1));
        return der(0x30, inner.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write((length >> 8) & 0xff);
            out.write(length & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static ConfigException unusable(Path file, String expected) {
        return new ConfigException(SettingKey.DKIM_PRIVATE_KEY.envName(), file.toString(), expected);
    }
}
