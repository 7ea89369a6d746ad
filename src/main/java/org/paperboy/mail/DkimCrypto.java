package org.paperboy.mail;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where DKIM's signatures are computed. Amazon Corretto Crypto Provider (native AWS-LC, shipped for
 * Linux on x86-64) signs RSA-2048 in about a quarter of the JDK's time, and a signature is made for
 * every message, so it is the provider when it loads on this machine. Elsewhere (another CPU or OS,
 * a temporary directory that cannot hold its library) the JDK's providers sign, after one warning
 * that names the reason. RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic: both providers
 * write the same bytes.
 *
 * <p>The native provider is asked for by name, for DKIM keys only; it is never installed for the
 * whole JVM, so TLS, HTTPS and everything else keep the JDK's.
 */
final class DkimCrypto {

    private static final Logger log = LoggerFactory.getLogger(DkimCrypto.class);

    /** The native provider, or null when the JDK's sign. */
    private final Provider provider;

    private DkimCrypto(Provider provider) {
        this.provider = provider;
    }

    /** The native provider when it is healthy here, else the JDK's with one warning. */
    static DkimCrypto detect() {
        Throwable problem = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
        if (problem == null) {
            try {
                AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
            } catch (RuntimeException e) {
                problem = e;
            }
        }
        return problem == null ? new DkimCrypto(AmazonCorrettoCryptoProvider.INSTANCE) : jdk(problem);
    }

    /** The JDK's providers, warning that the native one could not be used and why. */
    static DkimCrypto jdk(Throwable why) {
        log.warn("event=dkim_native_crypto_unavailable reason=\"{}\" effect=\"DKIM signs with the JDK's providers, "
                + "about four times slower for RSA\"", String.valueOf(why).replaceAll("\\s+", " "));
        return new DkimCrypto(null);
    }

    /** True when the native provider signs. */
    boolean isNative() {
        return provider != null;
    }

    /** {@code key} in the provider's own form, so that no signature converts it again. */
    PrivateKey prepare(PrivateKey key) {
        if (provider == null) {
            return key;
        }
        try {
            Key translated = KeyFactory.getInstance(key.getAlgorithm(), provider).translateKey(key);
            return (PrivateKey) translated;
        } catch (NoSuchAlgorithmException e) {
            return key; // no key factory for it (Ed25519 on Java 17): its signature takes the JDK's key as it is
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DKIM key cannot be used by " + provider.getName() + ": " + e.getMessage(), e);
        }
    }

    /** A signature of {@code algorithm} (a JCA name) ready to sign with {@code key}. */
    Signature signer(String algorithm, PrivateKey key) throws GeneralSecurityException {
        Signature signature = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        signature.initSign(key);
        return signature;
    }
}
