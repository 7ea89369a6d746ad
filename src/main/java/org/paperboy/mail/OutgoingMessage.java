package org.paperboy.mail;

/** One message ready for the wire: the envelope and the encoded RFC 5322 bytes. */
public record OutgoingMessage(String envelopeFrom, String recipient, byte[] content) {

    public Envelope envelope() {
        return new Envelope(envelopeFrom, recipient);
    }
}
