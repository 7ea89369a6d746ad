package org.paperboy.mail;

import java.util.regex.Pattern;

/**
 * Text that servers send back (SMTP replies, a bounce's diagnostic) with every email address
 * replaced by {@code <address>}: replies often quote the recipient ({@code 550 5.1.1 <ada@x.org>:
 * user unknown}), and what we keep of them (ledger, sent journal, logs) must not hold a
 * person's address past an erasure.
 */
public final class ReplyText {

    /** Anything with an {@code @} between characters that can occur in an address, brackets included. */
    static final Pattern ADDRESS = Pattern.compile("<?[^\\s<>()\\[\\]{};:,\"'@]+@[^\\s<>()\\[\\]{};:,\"'@]+>?");

    private ReplyText() {
    }

    public static String withoutAddresses(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text; // the usual reply, checked without a regex on the send path
        }
        return ADDRESS.matcher(text).replaceAll("<address>");
    }
}
