package org.paperboy.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A private Postfix and Dovecot together, as a test class's {@code @BeforeAll} starts them: one
 * certificate for {@code localhost}, the SMTP user {@value #SMTP_USER}, the IMAP user
 * {@value #BOUNCES} whose Maildir receives the bounces, and a Maildir per reader.
 */
public final class PrivateMailServers implements AutoCloseable {

    public static final String SMTP_USER = "paperboy";
    public static final String SMTP_PASSWORD = "submission-secret-1";
    public static final String BOUNCES = "bounces";
    public static final String BOUNCES_PASSWORD = "bounces-secret-2";

    private final SelfSignedCertificate certificate;
    private final PrivateDovecot dovecot;
    private final PrivatePostfix postfix;

    private PrivateMailServers(SelfSignedCertificate certificate, PrivateDovecot dovecot, PrivatePostfix postfix) {
        this.certificate = certificate;
        this.dovecot = dovecot;
        this.postfix = postfix;
    }

    /** Starts both in {@code dir}, with a Maildir for each of {@code readers} (local parts at paperboy.test). */
    public static PrivateMailServers start(Path dir, List<String> readers) throws IOException {
        Processes.openToAll(dir);
        SelfSignedCertificate certificate = SelfSignedCertificate.make(dir, "server", PrivatePostfix.HOST_NAME);
        PrivateDovecot dovecot = PrivateDovecot.start(dir.resolve("dovecot"), certificate,
                Map.of(SMTP_USER, SMTP_PASSWORD, BOUNCES, BOUNCES_PASSWORD));
        try {
            List<String> mailboxes = new ArrayList<>(readers);
            mailboxes.add(BOUNCES);
            return new PrivateMailServers(certificate, dovecot,
                    PrivatePostfix.start(dir.resolve("postfix"), certificate, dovecot, mailboxes));
        } catch (IOException | RuntimeException e) {
            dovecot.close();
            throw e;
        }
    }

    public SelfSignedCertificate certificate() {
        return certificate;
    }

    public PrivateDovecot dovecot() {
        return dovecot;
    }

    public PrivatePostfix postfix() {
        return postfix;
    }

    /** The settings of a sender that submits to this Postfix over STARTTLS with AUTH, trusting its certificate. */
    public TestSettings submission(TestSettings settings) {
        return settings.with("SMTP_HOST", PrivatePostfix.HOST_NAME)
                .with("SMTP_PORT", Integer.toString(postfix.submissionPort()))
                .with("SMTP_SECURITY", "starttls")
                .with("SMTP_USERNAME", SMTP_USER)
                .with("SMTP_PASSWORD", SMTP_PASSWORD)
                .with("SMTP_TRUST", certificate.certificate().toString());
    }

    /** Stops Postfix, then Dovecot, each whatever became of the other. */
    @Override
    public void close() {
        try {
            postfix.close();
        } finally {
            dovecot.close();
        }
    }
}
