package org.paperboy.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** The bare address and domain of a configured mailbox such as {@code Name <news@example.org>}. */
public final class Mailboxes {

    private Mailboxes() {
    }

    public static String bare(String mailbox) {
        try {
            return new InternetAddress(mailbox, true).getAddress();
        } catch (AddressException e) {
            throw new IllegalArgumentException("not a valid address: " + mailbox, e);
        }
    }

    public static String domain(String mailbox) {
        String bare = bare(mailbox);
        return bare.substring(bare.lastIndexOf('@') + 1);
    }
}
