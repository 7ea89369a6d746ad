package org.paperboy.web;

import java.time.Duration;

/**
 * The abuse limits of the public pages. Counts are per fixed window; every public POST is
 * limited per client IP and per address (the typed address, or the subscriber a link names).
 * One-click unsubscribes come from a few mailbox-provider IPs, so their per-IP limit is high.
 */
public record WebLimits(
        Duration window,
        int subscribePerIp,
        int subscribePerAddress,
        int unsubscribePerIp,
        int unsubscribePerSubscriber,
        int preferencesPerIp,
        int preferencesPerSubscriber,
        int formBodyBytes,
        int apiBodyBytes) {

    public static final WebLimits DEFAULT = new WebLimits(Duration.ofHours(1), 20, 5, 1000, 20, 60, 30,
            8 * 1024, 1024 * 1024);
}
