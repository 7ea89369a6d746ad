package org.paperboy.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A self-signed certificate and its key, made with {@code openssl} for one host name. */
public record SelfSignedCertificate(String hostName, Path certificate, Path key) {

    /** Makes {@code dir/NAME.pem} and {@code dir/NAME.key} for {@code hostName} (CN and subjectAltName). */
    public static SelfSignedCertificate make(Path dir, String name, String hostName) throws IOException {
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        Processes.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=" + hostName, "-addext", "subjectAltName=DNS:" + hostName,
                "-keyout", key.toString(), "-out", cert.toString()));
        return new SelfSignedCertificate(hostName, cert, key);
    }
}
