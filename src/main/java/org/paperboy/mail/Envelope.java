package org.paperboy.mail;

/** The SMTP envelope of one message: the return path (MAIL FROM) and the recipient (RCPT TO). */
public record Envelope(String from, String recipient) {
}
