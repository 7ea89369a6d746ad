package org.paperboy.delivery;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** The bare address and domain of a configured mailbox such as {@code Name <news@example.org>}. */
final class MailAddresses {

    private MailAddresses() {
    }

    static String bare(String mailbox) {
        try {
            return new InternetAddress(mailbox, true).getAddress();
        } catch (AddressException e) {
            throw new IllegalArgumentException("not a valid address: " + mailbox, e);
        }
    }

    static String domain(String mailbox) {
        String bare = bare(mailbox);
        return bare.substring(bare.lastIndexOf('@') + 1);
    }
}
