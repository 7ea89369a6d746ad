package org.paperboy.delivery;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.paperboy.mail.BounceMailbox;
import org.paperboy.mail.DeliveryStatusReport;
import org.paperboy.mail.ReplyText;
import org.paperboy.store.Database;
import org.paperboy.subscriptions.LinkSigner;
import org.paperboy.subscriptions.SubscriberRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads delivery status reports (RFC 3464) from the bounce mailbox and applies them. The
 * delivery a report answers is found by the signed VERP token in the address the report was
 * sent to ({@code bounces+b<deliveryId>-<mac>@...}); reports without a valid token are never
 * trusted, so nobody can unsubscribe someone else by mailing a made-up bounce.
 *
 * <ul>
 *   <li>{@code Action: failed} with a 5.x.x status is a hard bounce: the subscriber is marked
 *       {@code bounced} and gets no more mail.</li>
 *   <li>{@code Action: failed} with a 4.x.x status is a soft bounce: it is counted, and after
 *       {@code softBounceLimit} soft-bounced deliveries in a row the subscriber is
 *       {@code suppressed}. A delivery that was sent and did not bounce ends the run.</li>
 *   <li>{@code delayed}, {@code delivered}, {@code relayed} and {@code expanded} need nothing:
 *       the reporting server is still trying, or succeeded.</li>
 * </ul>
 * Every report is recorded on its delivery, so one read twice (a crash before the mailbox was
 * cleaned up) counts once. Applied reports are deleted; malformed or unmatched ones are logged
 * and left in the mailbox for a person.
 */
public final class BouncePoller {

    private static final Logger log = LoggerFactory.getLogger(BouncePoller.class);

    /** Reports handled per poll at most, so a flood of bounces is worked off over several polls. */
    public static final int MAX_PER_POLL = 500;

    private static final Pattern TOKEN = Pattern.compile("(?:^|[+=._-])(b\\d{1,19}-[0-9a-f]{10})@",
            Pattern.CASE_INSENSITIVE);

    private final BounceMailbox mailbox;
    private final BounceRecords records;
    private final SkippedBounces skipped;
    private final SubscriberRepository subscribers;
    private final LinkSigner signer;
    private final int softBounceLimit;

    public BouncePoller(BounceMailbox mailbox, Database database, SubscriberRepository subscribers, LinkSigner signer,
                        int softBounceLimit, Clock clock) {
        if (softBounceLimit < 1) {
            throw new IllegalArgumentException("softBounceLimit must be at least 1");
        }
        this.mailbox = mailbox;
        this.records = new BounceRecords(database, clock);
        this.skipped = new SkippedBounces(database, clock);
        this.subscribers = subscribers;
        this.signer = signer;
        this.softBounceLimit = softBounceLimit;
    }

    /**
     * Reads and applies what is in the mailbox now.
     *
     * @throws MessagingException when the mailbox cannot be reached; nothing was changed for the
     *                            reports not yet handled, the next poll takes them
     */
    public BounceReport pollOnce() throws MessagingException {
        Tally tally = new Tally();
        int read = mailbox.drain(MAX_PER_POLL, message -> apply(message, tally), skipped);
        BounceReport report = new BounceReport(read, tally.hard, tally.soft, tally.suppressed, tally.ignored,
                tally.unmatched, tally.malformed);
        if (read > 0) {
            log.info("event=bounces_polled read={} hard={} soft={} suppressed={} ignored={} unmatched={} malformed={}",
                    report.read(), report.hard(), report.soft(), report.suppressed(), report.ignored(),
                    report.unmatched(), report.malformed());
        }
        return report;
    }

    private BounceMailbox.Outcome apply(Message message, Tally tally) {
        DeliveryStatusReport report;
        try {
            report = DeliveryStatusReport.parse(message);
        } catch (DeliveryStatusReport.MalformedReportException e) {
            tally.malformed++;
            log.warn("event=bounce_malformed message_id=\"{}\" reason=\"{}\"", messageId(message),
                    ReplyText.withoutAddresses(e.getMessage()));
            return BounceMailbox.Outcome.SKIPPED;
        }
        OptionalLong deliveryId = deliveryOf(report);
        Optional<BounceRecords.Target> target = deliveryId.isPresent()
                ? records.target(deliveryId.getAsLong()) : Optional.empty();
        if (target.isEmpty()) {
            tally.unmatched++;
            // the report's recipient is an address: it stays in the mailbox, never in the log
            log.warn("event=bounce_unmatched message_id=\"{}\" reason=\"{}\"", report.messageId(),
                    deliveryId.isPresent() ? "unknown delivery" : "no valid VERP token in the report's address");
            return BounceMailbox.Outcome.SKIPPED;
        }
        BounceRecords.Target to = target.get();
        DeliveryStatusReport.Recipient recipient = report.primary();
        String reason = "dsn " + recipient.status()
                + (recipient.diagnosticCode() == null ? "" : ": " + ReplyText.withoutAddresses(recipient.diagnosticCode()));
        if (recipient.action() != DeliveryStatusReport.Action.FAILED
                || !(recipient.permanent() || recipient.transientFailure())) {
            tally.ignored++;
            log.info("event=bounce_ignored delivery={} action={} status={}", to.deliveryId(),
                    recipient.action().name().toLowerCase(Locale.ROOT), recipient.status());
            return BounceMailbox.Outcome.HANDLED;
        }
        if (!recipient.finalRecipient().equalsIgnoreCase(to.email())) {
            // forwarding or an alias: the signed token decides, the address is only noted
            log.info("event=bounce_recipient_differs delivery={} subscriber={}", to.deliveryId(), to.subscriberId());
        }
        BounceRecords.Kind kind = recipient.permanent() ? BounceRecords.Kind.HARD : BounceRecords.Kind.SOFT;
        if (!records.record(to.deliveryId(), kind, recipient.status())) {
            tally.ignored++;
            log.info("event=bounce_repeated delivery={} status={}", to.deliveryId(), recipient.status());
            return BounceMailbox.Outcome.HANDLED;
        }
        if (kind == BounceRecords.Kind.HARD) {
            tally.hard++;
            boolean stopped = subscribers.markBounced(to.subscriberId(), reason);
            log.info("event=bounce_hard delivery={} subscriber={} status={} marked_bounced={}", to.deliveryId(),
                    to.subscriberId(), recipient.status(), stopped);
        } else {
            tally.soft++;
            int run = records.softBounceRun(to.subscriberId());
            boolean suppressed = records.updateSoftBounces(to.subscriberId(), run, softBounceLimit, reason);
            if (suppressed) {
                tally.suppressed++;
            }
            log.info("event=bounce_soft delivery={} subscriber={} status={} in_a_row={} limit={} suppressed={}",
                    to.deliveryId(), to.subscriberId(), recipient.status(), run, softBounceLimit, suppressed);
        }
        return BounceMailbox.Outcome.HANDLED;
    }

    /** The delivery named by the first valid VERP token among the addresses the report was sent to. */
    private OptionalLong deliveryOf(DeliveryStatusReport report) {
        for (String address : report.deliveredTo()) {
            Matcher m = TOKEN.matcher(address);
            while (m.find()) {
                String value = signer.verifyShort(m.group(1).toLowerCase(Locale.ROOT));
                if (value != null && value.startsWith("b")) {
                    try {
                        return OptionalLong.of(Long.parseLong(value.substring(1)));
                    } catch (NumberFormatException e) {
                        // not ours
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    private static String messageId(Message message) {
        try {
            String[] ids = message.getHeader("Message-ID");
            return ids == null ? "" : ids[0].replaceAll("[\\r\\n\"]", "");
        } catch (MessagingException e) {
            return "";
        }
    }

    private static final class Tally {
        int hard;
        int soft;
        int suppressed;
        int ignored;
        int unmatched;
        int malformed;
    }
}
