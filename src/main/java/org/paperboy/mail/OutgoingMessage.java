package org.paperboy.mail;

/** One message ready for the wire: the envelope and the encoded RFC 5322 bytes. */
public record OutgoingMessage(Envelope envelope, byte[] content) {
}
