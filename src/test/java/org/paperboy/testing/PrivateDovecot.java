package org.paperboy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A private Dovecot (Debian's {@code dovecot-imapd}) for tests: its own configuration, run and
 * state directories under a temp dir, IMAP and IMAPS on free loopback ports, users from a
 * passwd-file, and Maildirs under {@link #mailRoot()} (one per user: {@code mailRoot/USER}).
 * It also answers SASL for {@link PrivatePostfix} on {@link #authSocket()}. Never the system-wide
 * instance: nothing under /etc/dovecot is read or written.
 *
 * <p>Found out running the tests as root: Dovecot drops to {@code dovecot}/{@code dovenull} for
 * its own processes and to the mail user (here {@code nobody}, uid 65534, the same one Postfix
 * delivers as) for mailbox access, so the temp dir must be world-traversable and the Maildirs
 * owned by that user. The 2 s delay after a failed login is switched off to keep the tests short.
 */
public final class PrivateDovecot implements AutoCloseable {

    /** The user the Maildirs belong to: Postfix writes them as this user, Dovecot reads them as it. */
    public static final int MAIL_UID = 65534;

    private final Path dir;
    private final Path config;
    private final int imapPort;
    private final int imapsPort;

    private PrivateDovecot(Path dir, Path config, int imapPort, int imapsPort) {
        this.dir = dir;
        this.config = config;
        this.imapPort = imapPort;
        this.imapsPort = imapsPort;
    }

    /** Starts Dovecot in {@code dir} with {@code users} (name → password), TLS from {@code certificate}. */
    public static PrivateDovecot start(Path dir, SelfSignedCertificate certificate, Map<String, String> users)
            throws IOException {
        Processes.require("/usr/sbin/dovecot", "apt-get install dovecot-imapd");
        Files.createDirectories(dir);
        Processes.openToAll(dir);
        Path mail = Files.createDirectories(dir.resolve("mail"));
        Processes.run(List.of("chown", MAIL_UID + ":" + MAIL_UID, mail.toString()));
        StringBuilder passwd = new StringBuilder();
        users.forEach((user, password) -> passwd.append(user).append(":{PLAIN}").append(password).append('\n'));
        Files.writeString(dir.resolve("users"), passwd);
        int imap = Processes.freePort();
        int imaps = Processes.freePort();
        Path config = dir.resolve("dovecot.conf");
        Files.writeString(config, """
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/dovecot.log
                protocols = imap
                listen = 127.0.0.1
                ssl = yes
                ssl_cert = <%2$s
                ssl_key = <%3$s
                disable_plaintext_auth = no
                auth_mechanisms = plain login
                auth_failure_delay = 0
                default_internal_user = dovecot
                default_login_user = dovenull
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN username_format=%%u %1$s/users
                }
                userdb {
                  driver = static
                  args = uid=%4$d gid=%4$d home=%1$s/mail/%%n
                }
                mail_location = maildir:%1$s/mail/%%n
                service imap-login {
                  inet_listener imap {
                    address = 127.0.0.1
                    port = %5$d
                  }
                  inet_listener imaps {
                    address = 127.0.0.1
                    port = %6$d
                    ssl = yes
                  }
                }
                service auth {
                  unix_listener %1$s/auth {
                    mode = 0666
                  }
                }
                """.formatted(dir, certificate.certificate(), certificate.key(), MAIL_UID, imap, imaps));
        PrivateDovecot dovecot = new PrivateDovecot(dir, config, imap, imaps);
        try {
            Processes.run(List.of("/usr/sbin/dovecot", "-c", config.toString()));
            Processes.awaitListening(imap, "Dovecot", dir.resolve("dovecot.log"));
            Processes.awaitListening(imaps, "Dovecot", dir.resolve("dovecot.log"));
        } catch (IOException | RuntimeException e) {
            dovecot.close();
            throw e;
        }
        return dovecot;
    }

    public int imapPort() {
        return imapPort;
    }

    public int imapsPort() {
        return imapsPort;
    }

    /** The SASL socket Postfix authenticates submission clients against. */
    public Path authSocket() {
        return dir.resolve("auth");
    }

    /** Where the users' Maildirs are: {@code mailRoot/USER/{new,cur,tmp}}. */
    public Path mailRoot() {
        return dir.resolve("mail");
    }

    @Override
    public void close() {
        try {
            Processes.attempt(List.of("/usr/sbin/dovecot", "-c", config.toString(), "stop"), null, Map.of());
        } catch (IOException e) {
            throw new IllegalStateException("cannot stop the private Dovecot in " + dir + ": " + e.getMessage(), e);
        }
    }
}
