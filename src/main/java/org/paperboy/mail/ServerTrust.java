package org.paperboy.mail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.paperboy.config.ConfigException;
import org.paperboy.config.SettingKey;

/**
 * The certificates a mail server (SMTP relay, bounce mailbox) may present: the JVM's own CA list
 * plus, from {@code PAPERBOY_SMTP_TRUST}, a private CA or a self-signed certificate. Only mail
 * connections use it: {@code -Djavax.net.ssl.trustStore} would replace the CA list of the whole
 * JVM, so that {@code fetch} from public HTTPS sources stopped trusting their certificates.
 * Every socket also checks the server's host name against its certificate during the handshake.
 */
public final class ServerTrust {

    /** The password Java's own trust stores ship with; a trust store holds no secret, only certificates. */
    private static final char[] USUAL_STORE_PASSWORD = "changeit".toCharArray();

    private final SSLSocketFactory sockets;
    private final int added;

    private ServerTrust(SSLSocketFactory sockets, int added) {
        this.sockets = sockets;
        this.added = added;
    }

    /** The JVM's CA certificates only. */
    public static ServerTrust jvmDefault() {
        try {
            return new ServerTrust(new HostCheckingSockets(SSLContext.getDefault().getSocketFactory()), 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * The JVM's CA certificates and those in {@code file} (empty: none), a PEM file of certificates or
     * a PKCS#12 trust store (without a password, or with Java's usual {@code changeit}).
     *
     * @throws ConfigException naming {@code PAPERBOY_SMTP_TRUST} when the file holds no certificate
     */
    public static ServerTrust from(String file) {
        if (file == null || file.isEmpty()) {
            return jvmDefault();
        }
        List<X509Certificate> extra = read(Path.of(file));
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : jvmDefaultTrust().getAcceptedIssuers()) {
                store.setCertificateEntry("jvm-" + i++, ca);
            }
            i = 0;
            for (X509Certificate ca : extra) {
                store.setCertificateEntry("added-" + i++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return new ServerTrust(new HostCheckingSockets(context.getSocketFactory()), extra.size());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS trust: " + e.getMessage(), e);
        }
    }

    /** Layers TLS over the connected plain socket it is given, checking the host name; for Angus' {@code ssl.socketFactory}. */
    public SSLSocketFactory socketFactory() {
        return sockets;
    }

    /** How many certificates {@code PAPERBOY_SMTP_TRUST} added. */
    public int added() {
        return added;
    }

    private static X509TrustManager jvmDefaultTrust() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private static List<X509Certificate> read(Path file) {
        String key = SettingKey.SMTP_TRUST.envName();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(key, file.toString(), "a readable PEM or PKCS#12 file of CA certificates");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            if (new String(bytes, 0, Math.min(bytes.length, 4096), java.nio.charset.StandardCharsets.US_ASCII)
                    .contains("-----BEGIN CERTIFICATE-----")) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        certificates.add((X509Certificate) c);
                    }
                }
            } else {
                certificates.addAll(pkcs12(file, null));
                if (certificates.isEmpty()) {
                    certificates.addAll(pkcs12(file, USUAL_STORE_PASSWORD));
                }
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(key, file.toString(), "PEM certificates or a PKCS#12 trust store ("
                    + SendResult.oneLine(e.getMessage()) + ")");
        }
        if (certificates.isEmpty()) {
            throw new ConfigException(key, file.toString(), "at least one certificate (PEM, or PKCS#12 without a"
                    + " password or with 'changeit')");
        }
        return certificates;
    }

    private static List<X509Certificate> pkcs12(Path file, char[] password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            if (password == null) {
                return List.of(); // a store whose certificates are encrypted: try the usual password
            }
            throw e;
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.getCertificate(alias) instanceof X509Certificate certificate) {
                certificates.add(certificate);
            }
        }
        return certificates;
    }

    /** TLS sockets that verify the host name in the handshake and send without Nagle's delay. */
    private static final class HostCheckingSockets extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        HostCheckingSockets(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static Socket checked(Socket socket) throws IOException {
            SSLSocket tls = (SSLSocket) socket;
            SSLParameters parameters = tls.getSSLParameters();
            // the name the client connected to must be in the certificate (RFC 6125), as HTTPS clients check it
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.setTcpNoDelay(true);
            return tls;
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            socket.setTcpNoDelay(true);
            return checked(delegate.createSocket(socket, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return checked(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return checked(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return checked(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return checked(delegate.createSocket(address, port, localAddress, localPort));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }
    }
}
