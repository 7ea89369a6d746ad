package org.paperboy.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.paperboy.subscriptions.SubscriberRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each reader the edition of their own day at their own morning (see
 * {@link DeliveryMornings}). The scheduler calls {@link #sendDue} on every tick: each edition some
 * reader is due now is created if needed (its papers frozen at the first reader's morning) and
 * sent to the readers whose morning has come; deferred deliveries whose time came are retried, and
 * editions a stopped run left part-sent are finished.
 */
public final class MorningDelivery {

    private static final Logger log = LoggerFactory.getLogger(MorningDelivery.class);

    private final EditionSender sender;
    private final EditionRepository editions;
    private final DeliveryLedger ledger;
    private final SubscriberRepository subscribers;
    private final DeliveryMornings mornings;
    private final int defaultSize;
    private final Duration retryCutoff;
    private final Clock clock;

    public MorningDelivery(EditionSender sender, EditionRepository editions, DeliveryLedger ledger,
                           SubscriberRepository subscribers, DeliveryMornings mornings, int defaultSize,
                           Duration retryCutoff, Clock clock) {
        this.sender = sender;
        this.editions = editions;
        this.ledger = ledger;
        this.subscribers = subscribers;
        this.mornings = mornings;
        this.defaultSize = defaultSize;
        this.retryCutoff = retryCutoff;
        this.clock = clock;
    }

    /**
     * Sends what is due now; one report per edition that had work.
     *
     * @throws RuntimeException the first edition's failure, after every other edition had its turn
     */
    public List<SendReport> sendDue() {
        if (sender.blockedBySettings()) {
            return List.of();
        }
        Instant now = clock.instant();
        Set<ZoneId> zonesInUse = subscribers.zonesInUse();
        SortedSet<LocalDate> dates = new TreeSet<>(mornings.datesDue(now, zonesInUse));
        for (Edition edition : editions.list(30)) {
            if (edition.status() == Edition.Status.SENDING) {
                dates.add(edition.date());
            }
        }
        List<SendReport> reports = new ArrayList<>();
        RuntimeException failure = null;
        for (LocalDate date : dates) {
            try {
                sendDue(date, now, zonesInUse).ifPresent(reports::add);
            } catch (RuntimeException e) {
                log.error("event=morning_send_failed date={} reason=\"{}\"", date, e.getMessage());
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return reports;
    }

    private Optional<SendReport> sendDue(LocalDate date, Instant now, Set<ZoneId> zonesInUse) {
        DueZones zones = mornings.due(date, now, zonesInUse);
        boolean ahead = mornings.morningsAhead(date, now, zonesInUse);
        Optional<Edition> stored = editions.find(date);
        // an edition not made yet is probed with an id no row has: everyone due it counts
        Edition probe = stored.orElseGet(() -> new Edition(-1, date, Edition.Status.SENDING, now, now, null, null));
        if (ledger.outstanding(probe, defaultSize, zones).variants().isEmpty()) {
            stored.filter(e -> e.status() == Edition.Status.SENDING && !ahead).ifPresent(e -> editions.markSent(e.id()));
            return Optional.empty();
        }
        Reach reach = new Reach(zones, mornings.latestMorning(date, zonesInUse), ahead,
                subscriberId -> mornings.deadline(date, zoneOf(subscriberId), retryCutoff));
        return Optional.of(sender.send(date, SendMode.SCHEDULED, ProgressListener.NONE, reach));
    }

    private ZoneId zoneOf(long subscriberId) {
        return subscribers.findById(subscriberId).map(s -> s.preferences().timezone())
                .orElse(mornings.newsletterZone());
    }
}
