package org.paperboy.mail;

/** Guards every header value: CR, LF and other control characters would let text forge headers. */
public final class HeaderValues {

    private HeaderValues() {
    }

    public static String requireSafe(String header, String value) {
        if (value == null) {
            throw new IllegalArgumentException(header + " header has no value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException(header + " header value contains a line break or control character");
            }
        }
        return value;
    }
}
