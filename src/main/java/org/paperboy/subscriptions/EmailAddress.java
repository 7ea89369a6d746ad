package org.paperboy.subscriptions;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A validated, normalised email address: trimmed, the domain lower-cased and in its ASCII
 * (IDNA) form so that lookups and SMTP agree. Only dot-atom local parts are accepted; quoted
 * local parts and non-ASCII local parts (which need SMTPUTF8) are refused.
 *
 * <p>{@link #value()} keeps the local part as typed, for the {@code To:} header; {@link #key()}
 * is the mailbox's identity: two addresses that differ only in case are one mailbox (equal here,
 * one subscriber row, one rate-limit key, one erasure hash), as every real mail system treats them.
 */
public record EmailAddress(String value) {

    static final int MAX_LOCAL_OCTETS = 64;
    static final int MAX_DOMAIN_OCTETS = 255;
    /** RFC 5321 path limit of 256 octets including the angle brackets. */
    static final int MAX_ADDRESS_OCTETS = 254;

    private static final Pattern ATOM = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    /** Parses {@code input} or throws {@link InvalidEmailException} with a message fit for the user. */
    public static EmailAddress parse(String input) {
        if (input == null || input.isBlank()) {
            throw new InvalidEmailException("Enter an email address.");
        }
        String trimmed = input.strip();
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) {
                throw new InvalidEmailException("An email address cannot contain line breaks or control characters.");
            }
            if (Character.isWhitespace(c)) {
                throw new InvalidEmailException("An email address cannot contain spaces.");
            }
        }
        int at = trimmed.lastIndexOf('@');
        if (at <= 0 || at == trimmed.length() - 1) {
            throw new InvalidEmailException("An email address looks like name@example.org.");
        }
        String local = trimmed.substring(0, at);
        String domain = trimmed.substring(at + 1);
        if (local.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_OCTETS) {
            throw new InvalidEmailException("The part before @ is longer than 64 characters.");
        }
        for (String atom : local.split("\\.", -1)) {
            if (!ATOM.matcher(atom).matches()) {
                throw new InvalidEmailException("The part before @ is not a valid mailbox name.");
            }
        }
        String asciiDomain = asciiDomain(domain);
        String normalised = local + "@" + asciiDomain;
        if (normalised.length() > MAX_ADDRESS_OCTETS) {
            throw new InvalidEmailException("An email address can be at most 254 characters long.");
        }
        return new EmailAddress(normalised);
    }

    public static boolean isValid(String input) {
        try {
            parse(input);
            return true;
        } catch (InvalidEmailException e) {
            return false;
        }
    }

    /** The mailbox's identity: the address lower-cased (ASCII only, so Java and SQL {@code lower} agree). */
    public String key() {
        return value.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EmailAddress that && key().equals(that.key());
    }

    @Override
    public int hashCode() {
        return key().hashCode();
    }

    public String domain() {
        return value.substring(value.lastIndexOf('@') + 1);
    }

    @Override
    public String toString() {
        return value;
    }

    private static String asciiDomain(String domain) {
        String ascii;
        try {
            ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidEmailException("The part after @ is not a valid domain name.");
        }
        if (ascii.length() > MAX_DOMAIN_OCTETS || ascii.endsWith(".")) {
            throw new InvalidEmailException("The part after @ is not a valid domain name.");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            throw new InvalidEmailException("The part after @ needs a dot, as in example.org.");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new InvalidEmailException("The part after @ is not a valid domain name.");
            }
        }
        return ascii;
    }
}
