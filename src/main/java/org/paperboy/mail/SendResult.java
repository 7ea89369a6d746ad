package org.paperboy.mail;

/** What the SMTP server said about one message; every reply is kept without the addresses it quotes. */
public sealed interface SendResult permits SendResult.Accepted, SendResult.Deferred, SendResult.Rejected {

    /** The server's reply, e.g. {@code 250 2.0.0 Ok: queued}. */
    String reply();

    /** The server took responsibility for the message. */
    record Accepted(String reply) implements SendResult {
        public Accepted {
            reply = ReplyText.withoutAddresses(reply);
        }
    }

    /**
     * Not delivered now but may be later: a 4xx reply, or no answer at all ({@code code} -1,
     * connection failures). {@code slowDown} is set for replies that ask the sender to back
     * off (421, 451, 452).
     */
    record Deferred(int code, String reply) implements SendResult {
        public Deferred {
            reply = ReplyText.withoutAddresses(reply);
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
            reply = ReplyText.withoutAddresses(reply);
        }
    }
}
