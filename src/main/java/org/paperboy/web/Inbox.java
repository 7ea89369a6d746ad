package org.paperboy.web;

import java.util.List;

/**
 * The mail a local SMTP server caught, shown by the demo at {@code /inbox} so that links in
 * confirmation emails and digests can be followed without a real mailbox.
 */
@FunctionalInterface
public interface Inbox {

    /** One caught message; {@code html} or {@code text} may be empty. */
    record Message(String to, String subject, String html, String text) {
    }

    List<Message> messages();
}
