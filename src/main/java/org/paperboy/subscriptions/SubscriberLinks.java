package org.paperboy.subscriptions;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;

/** The signed links of the web pages, as absolute URLs under the public base URL. */
public final class SubscriberLinks {

    private final LinkSigner signer;
    private final String base;
    private final Clock clock;

    public SubscriberLinks(LinkSigner signer, URI baseUrl, Clock clock) {
        this.signer = signer;
        String url = baseUrl.toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.clock = clock;
    }

    public LinkSigner signer() {
        return signer;
    }

    public String confirmUrl(long subscriberId) {
        return base + "/confirm?token=" + signer.sign(subscriberId, LinkPurpose.CONFIRM,
                clock.instant().plus(LinkPurpose.CONFIRM.lifetime()));
    }

    public String unsubscribeUrl(long subscriberId, Instant expiry) {
        return base + "/unsubscribe?token=" + signer.sign(subscriberId, LinkPurpose.UNSUBSCRIBE, expiry);
    }

    public String preferencesUrl(long subscriberId, Instant expiry) {
        return base + "/preferences?token=" + signer.sign(subscriberId, LinkPurpose.PREFERENCES, expiry);
    }

    /** Links that last the full lifetime from now, for previews and pages. */
    public String unsubscribeUrl(long subscriberId) {
        return unsubscribeUrl(subscriberId, clock.instant().plus(LinkPurpose.UNSUBSCRIBE.lifetime()));
    }

    public String preferencesUrl(long subscriberId) {
        return preferencesUrl(subscriberId, clock.instant().plus(LinkPurpose.PREFERENCES.lifetime()));
    }

    /** The VERP token of a delivery, placed in the envelope sender; short and signed. */
    public String bounceToken(long deliveryId) {
        return signer.signShort("b" + deliveryId);
    }
}
