package org.paperboy.config;

import java.util.regex.Pattern;

/** Syntax checks for the addresses in settings ({@code MAIL_FROM}, {@code MAIL_REPLY_TO}). */
final class MailboxSyntax {

    private static final Pattern BARE = Pattern.compile(
            "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern NAMED = Pattern.compile("[^<>\"]*<([^<>]+)>");

    private MailboxSyntax() {
    }

    static boolean isBareAddress(String value) {
        return value.length() <= 254 && BARE.matcher(value).matches();
    }

    /** {@code news@example.org} or {@code Display Name <news@example.org>}. */
    static boolean isMailbox(String value) {
        var named = NAMED.matcher(value.strip());
        if (named.matches()) {
            return isBareAddress(named.group(1).strip());
        }
        return isBareAddress(value.strip());
    }
}
