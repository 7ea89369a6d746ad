package org.paperboy.web;

import java.time.Duration;

/**
 * The abuse limits of the public pages and the admin API, per window. What costs Paperboy work
 * or mail is charged (a sign-up per client and per address, a preferences save per verified
 * subscriber); a link or admin token that does not verify is charged to its client; a valid
 * signed link is never charged to its client, and a valid one-click unsubscribe never at all.
 * {@code trackedClients} bounds the table of counts: past it, the least useful entries go.
 */
public record WebLimits(
        Duration window,
        int subscribePerIp,
        int subscribePerAddress,
        int badLinksPerIp,
        int preferencesPerSubscriber,
        int adminFailuresPerIp,
        int trackedClients,
        int formBodyBytes,
        int apiBodyBytes) {

    public static final WebLimits DEFAULT = new WebLimits(Duration.ofHours(1), 20, 5, 100, 30, 20, 100_000,
            8 * 1024, 1024 * 1024);

    public WebLimits withTrackedClients(int count) {
        return new WebLimits(window, subscribePerIp, subscribePerAddress, badLinksPerIp, preferencesPerSubscriber,
                adminFailuresPerIp, count, formBodyBytes, apiBodyBytes);
    }
}
