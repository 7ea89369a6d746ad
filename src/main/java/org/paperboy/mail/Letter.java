package org.paperboy.mail;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/**
 * The headers of one message. {@code from} and {@code replyTo} are mailbox strings
 * ({@code Name <address>}); {@code extraHeaders} are written in order after the standard ones.
 * Every value is checked for line breaks and control characters when the message is written.
 */
public record Letter(String from, String replyTo, String to, String subject, ZonedDateTime date,
                     String messageId, List<Map.Entry<String, String>> extraHeaders) {

    public Letter {
        extraHeaders = extraHeaders == null ? List.of() : List.copyOf(extraHeaders);
    }
}
