package org.paperboy.mail;

/** What the SMTP server said about one message; every reply is kept without the addresses it quotes. */
public sealed interface SendResult permits SendResult.Accepted, SendResult.Deferred, SendResult.Rejected {

    /** The server's reply, e.g. {@code 250 2.0.0 Ok: queued}: always one line (see {@link #oneLine}). */
    String reply();

    /** Longest reply kept: a server's text is data, stored per row and printed in logs. */
    int MAX_REPLY = 512;

    /**
     * A server's reply as one line: a multi-line reply ({@code 250-...}) and a trailing line break
     * would split a log record or leave blank lines in {@code editions show}.
     */
    static String oneLine(String reply) {
        if (reply == null) {
            return "";
        }
        boolean clean = reply.length() <= MAX_REPLY && !reply.isEmpty() && reply.charAt(reply.length() - 1) > ' ';
        for (int i = 0; clean && i < reply.length(); i++) {
            clean = reply.charAt(i) >= ' ' && reply.charAt(i) != 0x7f;
        }
        if (clean) {
            return reply; // the usual case, once per message: no copy
        }
        String line = reply.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        return line.length() > MAX_REPLY ? line.substring(0, MAX_REPLY) + "..." : line;
    }

    /** The server took responsibility for the message. */
    record Accepted(String reply) implements SendResult {
        public Accepted {
            reply = ReplyText.withoutAddresses(oneLine(reply));
        }
    }

    /**
     * Not delivered now but may be later: a 4xx reply, or no answer at all ({@code code} -1,
     * connection failures). {@code slowDown} is set for replies that ask the sender to back
     * off (421, 451, 452).
     */
    record Deferred(int code, String reply) implements SendResult {
        public Deferred {
            reply = ReplyText.withoutAddresses(oneLine(reply));
        }

        public boolean slowDown() {
            return code == 421 || code == 451 || code == 452;
        }
    }

    /**
     * A 5xx reply: final for this message. {@code addressRefused} is set when the server refused
     * the recipient itself (at RCPT TO), as opposed to the sender or the content.
     */
    record Rejected(int code, String reply, boolean addressRefused) implements SendResult {
        public Rejected {
            reply = ReplyText.withoutAddresses(oneLine(reply));
        }
    }
}
