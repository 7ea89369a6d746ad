package org.paperboy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private Postfix (Debian's {@code postfix} 3.7) for tests, the MTA operators run: its own
 * {@code main.cf}/{@code master.cf}, queue and data directories under a temp dir, loopback ports
 * only, never the system-wide instance (nothing under /etc/postfix is written, and it is never
 * started). Three listeners, each on a free port:
 * <ul>
 *   <li>{@link #submissionPort()}: 587 style, STARTTLS required before AUTH, AUTH required to send;</li>
 *   <li>{@link #smtpsPort()}: 465 style, TLS from the first byte, AUTH required;</li>
 *   <li>{@link #plainPort()}: a server that does not offer STARTTLS at all.</li>
 * </ul>
 * Its certificate is self-signed for {@code localhost} ({@code myhostname} too). SASL is Dovecot's
 * (the {@link PrivateDovecot}'s users). Mail for {@value #DOMAIN} is delivered by Postfix's
 * {@code virtual} agent to the Dovecot users' Maildirs; unknown recipients there are accepted and
 * then bounced, so Postfix writes real RFC 3464 reports to the envelope sender.
 *
 * <p>What Postfix needs when the tests run as root, found out here: {@code data_directory} must be
 * owned by {@code postfix} (master's lock file); the temp dir must be traversable by the
 * {@code postfix} user; {@code postfix} writes its own errors to syslog (absent here) unless
 * {@code maillog_file} is set, which must start with one of {@code maillog_file_prefixes} and needs
 * the {@code postlog} service; {@code chroot} must be off ({@code n}) for every service, since the
 * temp dir is not inside the queue directory. Cyrus SASL's {@code cyrus_sasl_config_path} was not
 * honoured by Debian's build (it kept reading /etc/sasldb2), hence Dovecot's SASL.
 */
public final class PrivatePostfix implements AutoCloseable {

    public static final String DOMAIN = "paperboy.test";
    public static final String HOST_NAME = "localhost";

    private final Path dir;
    private final Path config;
    private final PrivateDovecot dovecot;
    private final int submission;
    private final int smtps;
    private final int plain;

    private PrivatePostfix(Path dir, PrivateDovecot dovecot, int submission, int smtps, int plain) {
        this.dir = dir;
        this.config = dir.resolve("etc");
        this.dovecot = dovecot;
        this.submission = submission;
        this.smtps = smtps;
        this.plain = plain;
    }

    /**
     * Starts Postfix in {@code dir}, delivering to {@code mailboxes} (local parts at {@value #DOMAIN},
     * each a Maildir of {@code dovecot}) and authenticating against {@code dovecot}.
     */
    public static PrivatePostfix start(Path dir, SelfSignedCertificate certificate, PrivateDovecot dovecot,
                                       List<String> mailboxes) throws IOException {
        Processes.require("/usr/sbin/postfix", "apt-get install postfix");
        Files.createDirectories(dir);
        Processes.openToAll(dir);
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("queue"));
        Processes.run(List.of("chown", "postfix", data.toString()));
        StringBuilder maps = new StringBuilder();
        for (String mailbox : mailboxes) {
            maps.append(mailbox).append('@').append(DOMAIN).append(' ').append(mailbox).append("/\n");
        }
        Files.writeString(etc.resolve("mailboxes"), maps);
        Files.writeString(etc.resolve("deferred"), "");
        int submission = Processes.freePort();
        int smtps = Processes.freePort();
        int plain = Processes.freePort();
        Files.writeString(etc.resolve("main.cf"), """
                compatibility_level = 3.6
                queue_directory = %1$s/queue
                data_directory = %1$s/data
                mail_owner = postfix
                setgid_group = postdrop
                myhostname = %2$s
                mydomain = %3$s
                mydestination =
                inet_interfaces = loopback-only
                inet_protocols = ipv4
                mynetworks = 127.0.0.0/8
                maillog_file = %1$s/postfix.log
                maillog_file_prefixes = %1$s
                smtputf8_enable = no
                virtual_mailbox_domains = %3$s
                virtual_mailbox_base = %4$s
                virtual_mailbox_maps = texthash:%1$s/etc/mailboxes
                virtual_uid_maps = static:%5$d
                virtual_gid_maps = static:%5$d
                # unknown recipients are accepted, then bounced: Postfix writes a real delivery status report
                smtpd_reject_unlisted_recipient = no
                recipient_delimiter = +
                smtpd_tls_cert_file = %6$s
                smtpd_tls_key_file = %7$s
                smtpd_tls_received_header = yes
                smtpd_sasl_authenticated_header = yes
                smtpd_sasl_type = dovecot
                smtpd_sasl_path = %8$s
                smtpd_recipient_restrictions = check_recipient_access texthash:%1$s/etc/deferred, permit_sasl_authenticated, permit_mynetworks, reject
                """.formatted(dir, HOST_NAME, DOMAIN, dovecot.mailRoot(), PrivateDovecot.MAIL_UID,
                certificate.certificate(), certificate.key(), dovecot.authSocket()));
        String authOnly = " -o smtpd_sasl_auth_enable=yes -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
                + " -o smtpd_recipient_restrictions=check_recipient_access,texthash:" + dir
                + "/etc/deferred,permit_sasl_authenticated,reject";
        Files.writeString(etc.resolve("master.cf"), """
                127.0.0.1:%1$d inet n - n - - smtpd -o smtpd_tls_security_level=encrypt -o smtpd_tls_auth_only=yes%4$s
                127.0.0.1:%2$d inet n - n - - smtpd -o smtpd_tls_wrappermode=yes%4$s
                127.0.0.1:%3$d inet n - n - - smtpd -o smtpd_tls_security_level=none
                pickup unix n - n 60 1 pickup
                cleanup unix n - n - 0 cleanup
                qmgr unix n - n 300 1 qmgr
                tlsmgr unix - - n 1000? 1 tlsmgr
                rewrite unix - - n - - trivial-rewrite
                bounce unix - - n - 0 bounce
                defer unix - - n - 0 bounce
                trace unix - - n - 0 bounce
                verify unix - - n - 1 verify
                flush unix n - n 1000? 0 flush
                proxymap unix - - n - - proxymap
                smtp unix - - n - - smtp
                relay unix - - n - - smtp
                showq unix n - n - - showq
                error unix - - n - - error
                retry unix - - n - - error
                discard unix - - n - - discard
                local unix - n n - - local
                virtual unix - n n - - virtual
                lmtp unix - - n - - lmtp
                anvil unix - - n - 1 anvil
                scache unix - - n - 1 scache
                postlog unix-dgram n - n - 1 postlogd
                """.formatted(submission, smtps, plain, authOnly));
        PrivatePostfix postfix = new PrivatePostfix(dir, dovecot, submission, smtps, plain);
        try {
            postfix.postfix("check");
            postfix.postfix("start");
            for (int port : new int[] {submission, smtps, plain}) {
                Processes.awaitListening(port, "Postfix", dir.resolve("postfix.log"));
            }
        } catch (IOException | RuntimeException e) {
            postfix.close();
            throw e;
        }
        return postfix;
    }

    public int submissionPort() {
        return submission;
    }

    public int smtpsPort() {
        return smtps;
    }

    public int plainPort() {
        return plain;
    }

    /** The messages delivered so far to {@code mailbox}'s Maildir ({@code new/}), oldest first. */
    public List<Path> delivered(String mailbox) throws IOException {
        Path fresh = dovecot.mailRoot().resolve(mailbox).resolve("new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fresh)) {
            return new ArrayList<>(files.sorted().toList());
        }
    }

    /**
     * The messages in {@code mailbox} once there are {@code count} of them: Postfix accepts a message
     * before its queue manager hands it to local delivery, so a Maildir fills a moment after the send.
     * Gives what is there after 30 s, for the caller's assertion to report.
     */
    public List<Path> awaitDelivered(String mailbox, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        List<Path> delivered = delivered(mailbox);
        while (delivered.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
            delivered = delivered(mailbox);
        }
        return delivered;
    }

    /** Answers {@code 450} at RCPT for {@code addresses} from now on (none: accept everyone again). */
    public void deferRecipients(String... addresses) throws IOException {
        StringBuilder map = new StringBuilder();
        for (String address : addresses) {
            map.append(address).append(" 450 4.2.0 mailbox busy, try again later\n");
        }
        Files.writeString(config.resolve("deferred"), map);
        postfix("reload"); // texthash maps are read when a process starts
    }

    /** Postfix's own log, for a failing test's message. */
    public String log() throws IOException {
        Path log = dir.resolve("postfix.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private void postfix(String command) throws IOException {
        Processes.Output output = Processes.attempt(List.of("/usr/sbin/postfix", "-c", config.toString(), command),
                null, Map.of());
        if (output.exitCode() != 0) {
            throw new IllegalStateException("postfix " + command + " failed (" + output.exitCode() + "): "
                    + output.err() + " log: " + log());
        }
    }

    @Override
    public void close() {
        try {
            Processes.attempt(List.of("/usr/sbin/postfix", "-c", config.toString(), "stop"), null, Map.of());
        } catch (IOException e) {
            throw new IllegalStateException("cannot stop the private Postfix in " + dir + ": " + e.getMessage(), e);
        }
    }
}
