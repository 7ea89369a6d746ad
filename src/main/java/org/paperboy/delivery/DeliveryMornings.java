package org.paperboy.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * When each reader is due which edition. The edition of date D is every reader's digest for
 * their own calendar day D: it is due at {@code PAPERBOY_DELIVERY_TIME} on D in the reader's
 * zone (the newsletter's for readers who chose none) and stays due until their day D ends, so
 * nobody gets two digests on one local day. Pure arithmetic on the clock: the scheduler's
 * tick asks {@link #due} which readers are due at an instant, and the ledger selects them.
 */
public final class DeliveryMornings {

    private final LocalTime deliveryTime;
    private final ZoneId newsletterZone;

    public DeliveryMornings(LocalTime deliveryTime, ZoneId newsletterZone) {
        this.deliveryTime = deliveryTime;
        this.newsletterZone = newsletterZone;
    }

    public ZoneId newsletterZone() {
        return newsletterZone;
    }

    /** The instant of the delivery time on {@code date} in {@code zone} (a time in a DST gap moves forward). */
    public Instant morning(LocalDate date, ZoneId zone) {
        return ZonedDateTime.of(date, deliveryTime, zone).toInstant();
    }

    /** When the reader's day {@code date} ends in {@code zone}. */
    public Instant endOfDay(LocalDate date, ZoneId zone) {
        return date.plusDays(1).atStartOfDay(zone).toInstant();
    }

    /** The edition a reader in {@code zone} is due at {@code t}: today's, once their delivery time has passed. */
    public Optional<LocalDate> dueDate(ZoneId zone, Instant t) {
        LocalDate local = LocalDate.ofInstant(t, zone);
        return morning(local, zone).isAfter(t) ? Optional.empty() : Optional.of(local);
    }

    /**
     * Which readers are due the edition of {@code date} at {@code t}: those in the zones, among
     * {@code zonesInUse} and the newsletter's, whose day {@code date} has reached its delivery time
     * and not yet ended.
     */
    public DueZones due(LocalDate date, Instant t, Collection<ZoneId> zonesInUse) {
        List<String> names = new ArrayList<>();
        for (ZoneId zone : zonesInUse) {
            if (dueDate(zone, t).filter(date::equals).isPresent()) {
                names.add(zone.getId());
            }
        }
        boolean unset = dueDate(newsletterZone, t).filter(date::equals).isPresent();
        return DueZones.of(unset, names);
    }

    /** The editions some reader is due at {@code t}, oldest first. */
    public SortedSet<LocalDate> datesDue(Instant t, Collection<ZoneId> zonesInUse) {
        SortedSet<LocalDate> dates = new TreeSet<>();
        for (ZoneId zone : withNewsletterZone(zonesInUse)) {
            dueDate(zone, t).ifPresent(dates::add);
        }
        return dates;
    }

    /** Whether some reader's delivery time on {@code date} is still to come after {@code t}. */
    public boolean morningsAhead(LocalDate date, Instant t, Collection<ZoneId> zonesInUse) {
        for (ZoneId zone : withNewsletterZone(zonesInUse)) {
            if (morning(date, zone).isAfter(t)) {
                return true;
            }
        }
        return false;
    }

    /** The last reader's delivery time on {@code date}. */
    public Instant latestMorning(LocalDate date, Collection<ZoneId> zonesInUse) {
        Instant latest = morning(date, newsletterZone);
        for (ZoneId zone : zonesInUse) {
            Instant m = morning(date, zone);
            latest = m.isAfter(latest) ? m : latest;
        }
        return latest;
    }

    /**
     * The last moment a reader in {@code zone} may still be sent the edition of {@code date}:
     * {@code cutoff} after their delivery time, and never after their day ends.
     */
    public Instant deadline(LocalDate date, ZoneId zone, Duration cutoff) {
        Instant late = morning(date, zone).plus(cutoff);
        Instant end = endOfDay(date, zone);
        return late.isBefore(end) ? late : end;
    }

    private Set<ZoneId> withNewsletterZone(Collection<ZoneId> zones) {
        Set<ZoneId> all = new LinkedHashSet<>(zones);
        all.add(newsletterZone);
        return all;
    }
}
