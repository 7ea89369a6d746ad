package org.paperboy.mail;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.eclipse.angus.mail.pop3.POP3Folder;
import java.util.Properties;
import org.paperboy.config.Settings;

/**
 * The mailbox bounces arrive in, read over IMAP or POP3. Each message is handed to a
 * {@link Reader}; handled messages are deleted (expunged when the folder closes), skipped ones
 * stay for a person to look at and are not handed out again (IMAP keyword
 * {@value #SKIPPED_KEYWORD}, or {@code \Flagged} where the server has no keywords). POP3 has
 * no flags: skipped messages are remembered by their UIDL in {@link SkippedMessages} instead, and
 * neither handed out again nor counted toward a poll's limit.
 */
public final class BounceMailbox {

    public static final String SKIPPED_KEYWORD = "PaperboySkipped";

    /** Where the mailbox is; {@code protocol} is {@code imap} or {@code pop3}. */
    public record Account(String protocol, String host, int port, String username, String password,
                          Settings.SmtpSecurity security, String folder, Duration timeout) {
        public Account {
            protocol = protocol.toLowerCase(Locale.ROOT);
            if (!protocol.equals("imap") && !protocol.equals("pop3")) {
                throw new IllegalArgumentException("bounce mailbox protocol must be imap or pop3, not " + protocol);
            }
        }

        /** {@code imaps}/{@code pop3s} for TLS on connect. */
        String storeProtocol() {
            return security == Settings.SmtpSecurity.TLS ? protocol + "s" : protocol;
        }
    }

    /** What became of one message. */
    public enum Outcome {
        /** Used (or safely ignored): delete it. */
        HANDLED,
        /** Not understood: keep it, do not hand it out again. */
        SKIPPED
    }

    @FunctionalInterface
    public interface Reader {
        Outcome read(Message message);
    }

    /** Where a POP3 mailbox remembers the messages it skipped, by UIDL (RFC 1939). */
    public interface SkippedMessages {
        Set<String> all();

        void add(String uidl);

        /** Forgets the UIDLs no longer in the mailbox (a person deleted those messages). */
        void retainOnly(Set<String> present);
    }

    private final Account account;
    private final Session session;

    public BounceMailbox(Account account) {
        this(account, ServerTrust.jvmDefault());
    }

    /** A mailbox whose TLS certificate must chain to {@code trust} and name the host. */
    public BounceMailbox(Account account, ServerTrust trust) {
        this.account = account;
        this.session = Session.getInstance(properties(account, trust));
    }

    /**
     * Hands up to {@code max} messages not yet handled or skipped to {@code reader}, oldest
     * first, then deletes the handled ones. Returns how many were handed out. {@code skipped}
     * keeps what a POP3 mailbox cannot mark.
     */
    public int drain(int max, Reader reader, SkippedMessages skipped) throws MessagingException {
        Store store = session.getStore(account.storeProtocol());
        store.connect(account.host(), account.port(), account.username(), account.password());
        try {
            Folder folder = store.getFolder(account.folder());
            folder.open(Folder.READ_WRITE);
            boolean expunge = false;
            try {
                boolean keywords = folder.getPermanentFlags().contains(Flags.Flag.USER);
                boolean pop3 = folder instanceof POP3Folder;
                Message[] messages = folder.getMessages();
                FetchProfile profile = new FetchProfile();
                profile.add(pop3 ? UIDFolder.FetchProfileItem.UID : FetchProfile.Item.FLAGS);
                folder.fetch(messages, profile);
                Set<String> known = pop3 ? skipped.all() : Set.of();
                Set<String> present = new HashSet<>();
                int handed = 0;
                for (Message message : messages) {
                    String uidl = pop3 ? ((POP3Folder) folder).getUID(message) : null;
                    if (uidl != null) {
                        present.add(uidl);
                    }
                    if (handed >= max || (uidl != null && known.contains(uidl))) {
                        continue;
                    }
                    Flags flags = pop3 ? new Flags() : message.getFlags();
                    if (flags.contains(Flags.Flag.DELETED) || flags.contains(SKIPPED_KEYWORD)
                            || (!keywords && flags.contains(Flags.Flag.FLAGGED) && !pop3)) {
                        continue;
                    }
                    handed++;
                    if (reader.read(message) == Outcome.HANDLED) {
                        message.setFlag(Flags.Flag.DELETED, true);
                        expunge = true;
                    } else if (pop3) {
                        if (uidl != null) {
                            skipped.add(uidl);
                            present.add(uidl);
                        }
                    } else if (keywords) {
                        message.setFlags(new Flags(SKIPPED_KEYWORD), true);
                    } else {
                        message.setFlag(Flags.Flag.FLAGGED, true);
                    }
                }
                if (pop3) {
                    skipped.retainOnly(present);
                }
                return handed;
            } finally {
                folder.close(expunge);
            }
        } finally {
            store.close();
        }
    }

    private static Properties properties(Account account, ServerTrust trust) {
        Properties props = new Properties();
        String timeout = Long.toString(account.timeout().toMillis());
        for (String protocol : new String[] {account.protocol(), account.protocol() + "s"}) {
            String p = "mail." + protocol + ".";
            props.put(p + "connectiontimeout", timeout);
            props.put(p + "timeout", timeout);
            props.put(p + "writetimeout", timeout);
            props.put(p + "ssl.checkserveridentity", "true");
            props.put(p + "ssl.socketFactory", trust.socketFactory());
        }
        if (account.security() == Settings.SmtpSecurity.STARTTLS) {
            props.put("mail." + account.protocol() + ".starttls.enable", "true");
            props.put("mail." + account.protocol() + ".starttls.required", "true");
        }
        return props;
    }
}
