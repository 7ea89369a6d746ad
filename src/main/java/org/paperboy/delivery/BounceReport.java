package org.paperboy.delivery;

/**
 * What one poll of the bounce mailbox did. {@code hard} and {@code soft} count bounces recorded
 * for the first time; {@code suppressed} the subscribers stopped after too many soft bounces in a
 * row; {@code ignored} reports that need nothing (delays, successes, repeats); {@code unmatched}
 * reports without a valid VERP token; {@code malformed} messages that are not delivery status
 * reports. Unmatched and malformed messages stay in the mailbox.
 */
public record BounceReport(int read, int hard, int soft, int suppressed, int ignored, int unmatched, int malformed) {
}
