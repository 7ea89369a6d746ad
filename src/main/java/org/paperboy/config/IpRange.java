package org.paperboy.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address range in CIDR form ({@code 10.0.0.0/8}; a bare address is a range of
 * one), read without any DNS lookup: what comes from a header or a setting is never a host name.
 */
public record IpRange(InetAddress network, int prefix) {

    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /** {@code 192.0.2.1}, {@code 10.0.0.0/8}, {@code ::1} or {@code fd00::/8}. */
    public static IpRange parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = literal(slash < 0 ? text : text.substring(0, slash))
                .orElseThrow(() -> new IllegalArgumentException("not an IP address: " + text));
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String digits = text.substring(slash + 1);
            prefix = digits.matches("\\d{1,3}") ? Integer.parseInt(digits) : -1;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("not a prefix length from 0 to " + bits + ": " + text);
            }
        }
        byte[] masked = address.getAddress();
        for (int i = 0; i < masked.length; i++) {
            masked[i] &= mask(prefix, i);
        }
        try {
            return new IpRange(InetAddress.getByAddress(masked), prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: four or sixteen bytes
        }
    }

    /**
     * The address written in {@code text} ({@code [::1]} too), or empty when it is not an IP
     * address literal. Never asks DNS: a host name is simply not an address.
     */
    public static Optional<InetAddress> literal(String text) {
        String s = text.strip();
        if (s.length() > 2 && s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        Matcher v4 = V4.matcher(s);
        try {
            if (v4.matches()) {
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int part = Integer.parseInt(v4.group(i + 1));
                    if (part > 255) {
                        return Optional.empty();
                    }
                    bytes[i] = (byte) part;
                }
                return Optional.of(InetAddress.getByAddress(bytes));
            }
            // with a colon and only hex digits, dots and colons, the JDK parses the text as an
            // IPv6 literal and throws when it is not one; it never looks such a string up
            if (s.indexOf(':') >= 0 && V6.matcher(s).matches()) {
                return Optional.of(InetAddress.getByName(s));
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        for (int i = 0; i < n.length; i++) {
            if ((a[i] & mask(prefix, i)) != n[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte mask(int prefix, int byteIndex) {
        int bits = Math.max(0, Math.min(8, prefix - byteIndex * 8));
        return (byte) (0xff00 >> bits);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }
}
