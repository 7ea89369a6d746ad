package org.paperboy.subscriptions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscriber's lifecycle as the web pages and the admin API drive it: double opt-in sign-up,
 * confirmation, preferences, unsubscribe, export and erasure.
 */
public final class SubscriptionService {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionService.class);

    /** At most one confirmation (or already-subscribed) email per address in this interval. */
    public static final Duration CONFIRMATION_INTERVAL = Duration.ofHours(1);

    private final SubscriberRepository subscribers;
    private final ErasedAddresses erased;
    private final PersonalData personalData;
    private final Supplier<SubscriberLinks> links;
    private final ConfirmationMailer mailer;
    private final Clock clock;

    /** {@code links} is asked on first use, so a missing secret fails the request, not the wiring. */
    public SubscriptionService(SubscriberRepository subscribers, ErasedAddresses erased, PersonalData personalData,
                               Supplier<SubscriberLinks> links, ConfirmationMailer mailer, Clock clock) {
        this.subscribers = subscribers;
        this.erased = erased;
        this.personalData = personalData;
        this.links = links;
        this.mailer = mailer;
        this.clock = clock;
    }

    /** What became of a sign-up request. Never shown to the requester: the page is the same for all. */
    public enum SignUp { CONFIRMATION_SENT, ALREADY_SUBSCRIBED_NOTE_SENT, THROTTLED, NOT_SENT, IGNORED }

    /**
     * Handles a sign-up from the web form. New addresses become pending and get a confirmation
     * link; pending and unsubscribed ones get a new link; active ones a note with their
     * preferences link; bounced and suppressed ones nothing. One email per address per hour.
     */
    public SignUp requestSubscription(EmailAddress email, List<String> topics, Subscriber.Consent consent) {
        Subscriber subscriber = subscribers.findByEmail(email).orElse(null);
        if (subscriber == null) {
            Optional<Subscriber> added = subscribers.addIfAbsent(email, SubscriberStatus.PENDING, consent);
            if (added.isPresent()) {
                subscriber = added.get();
                if (!topics.isEmpty()) {
                    subscribers.updatePreferences(subscriber.id(), new Preferences(null, Frequency.DAILY, null, null, topics));
                }
            } else {
                // added by a request racing this one
                subscriber = subscribers.findByEmail(email).orElseThrow();
            }
        } else if (subscriber.status() == SubscriberStatus.PENDING || subscriber.status() == SubscriberStatus.UNSUBSCRIBED) {
            subscribers.recordSignUpRequest(subscriber.id(), consent, topics);
        }
        return switch (subscriber.status()) {
            case PENDING, UNSUBSCRIBED -> sendOnce(subscriber, true);
            case ACTIVE -> sendOnce(subscriber, false);
            case BOUNCED, SUPPRESSED -> SignUp.IGNORED;
        };
    }

    private SignUp sendOnce(Subscriber subscriber, boolean confirm) {
        if (!subscribers.claimConfirmationSlot(subscriber.id(), CONFIRMATION_INTERVAL)) {
            return SignUp.THROTTLED;
        }
        SubscriberLinks l = links.get();
        ConfirmationMailer.Links message = new ConfirmationMailer.Links(confirm ? l.confirmUrl(subscriber.id()) : null,
                l.preferencesUrl(subscriber.id()), l.unsubscribeUrl(subscriber.id()));
        boolean accepted;
        try {
            accepted = mailer.send(subscriber.email(), message);
        } catch (RuntimeException e) {
            subscribers.releaseConfirmationSlot(subscriber.id());
            throw e;
        }
        if (!accepted) {
            subscribers.releaseConfirmationSlot(subscriber.id());
            return SignUp.NOT_SENT;
        }
        return confirm ? SignUp.CONFIRMATION_SENT : SignUp.ALREADY_SUBSCRIBED_NOTE_SENT;
    }

    /** Looks up the subscriber a signed link was made for. */
    public LinkCheck check(String token, LinkPurpose purpose) {
        return verified(token, purpose).check();
    }

    /** A link check with the time its token was issued (null unless the link is authentic and current). */
    private record Verified(LinkCheck check, Instant issuedAt) {
    }

    private Verified verified(String token, LinkPurpose purpose) {
        if (token == null || token.isEmpty()) {
            return new Verified(new LinkCheck.Invalid(), null);
        }
        LinkSigner.Verdict verdict = links.get().signer().verify(token, purpose, clock.instant());
        if (verdict instanceof LinkSigner.Expired) {
            return new Verified(new LinkCheck.Expired(), null);
        }
        if (!(verdict instanceof LinkSigner.Valid valid)) {
            return new Verified(new LinkCheck.Invalid(), null);
        }
        LinkCheck check = subscribers.findById(valid.subscriberId())
                .filter(s -> s.status() != SubscriberStatus.SUPPRESSED)
                .<LinkCheck>map(LinkCheck.Found::new)
                .orElse(new LinkCheck.Invalid());
        return new Verified(check, valid.expiry().minus(purpose.lifetime()));
    }

    /**
     * Confirms the subscription a confirm link was made for, recording time and IP. Confirming
     * twice is harmless; a bounced subscriber stays bounced; a link sent before the subscriber
     * last unsubscribed is {@link LinkCheck.Superseded} and changes nothing.
     */
    public LinkCheck confirm(String token, String ip) {
        Verified verified = verified(token, LinkPurpose.CONFIRM);
        if (!(verified.check() instanceof LinkCheck.Found found)) {
            return verified.check();
        }
        Subscriber subscriber = found.subscriber();
        if (subscriber.status() == SubscriberStatus.BOUNCED) {
            return new LinkCheck.Invalid();
        }
        if (subscribers.confirm(subscriber.id(), ip, verified.issuedAt())) {
            // the person chose to come back: an earlier erasure no longer blocks an import
            erased.lift(EmailAddress.parse(subscriber.email()));
            log.info("event=subscriber_confirmed id={}", subscriber.id());
        }
        Subscriber now = subscribers.findById(subscriber.id()).orElseThrow();
        if (now.status() == SubscriberStatus.UNSUBSCRIBED) {
            log.info("event=confirm_link_superseded id={}", subscriber.id());
            return new LinkCheck.Superseded(now);
        }
        return new LinkCheck.Found(now);
    }

    /** Unsubscribes; repeating it changes nothing. Bounced and suppressed subscribers keep their status. */
    public void unsubscribe(Subscriber subscriber) {
        if (subscriber.status() == SubscriberStatus.ACTIVE || subscriber.status() == SubscriberStatus.PENDING) {
            if (subscribers.setStatus(subscriber.id(), SubscriberStatus.UNSUBSCRIBED)) {
                log.info("event=subscriber_unsubscribed id={}", subscriber.id());
            }
        }
    }

    public Subscriber savePreferences(Subscriber subscriber, Preferences preferences) {
        subscribers.updatePreferences(subscriber.id(), preferences);
        return subscribers.findById(subscriber.id()).orElseThrow();
    }

    /**
     * Adds an address on an operator's word (admin API). {@code PENDING} sends a confirmation email.
     *
     * @throws SubscriptionRefusedException when the address is on the list or was erased on request
     */
    public Subscriber addByOperator(EmailAddress email, SubscriberStatus status, List<String> topics,
                                    Subscriber.Consent consent) {
        return addByOperator(email, status, Preferences.DEFAULT.withTopics(topics), consent);
    }

    /** As {@link #addByOperator(EmailAddress, SubscriberStatus, List, Subscriber.Consent)}, with any preferences. */
    public Subscriber addByOperator(EmailAddress email, SubscriberStatus status, Preferences preferences,
                                    Subscriber.Consent consent) {
        if (isErased(email)) {
            throw new SubscriptionRefusedException(SubscriptionRefusedException.Reason.ERASED, email
                    + " was erased on request and cannot be added again by an operator;"
                    + " the person can subscribe again through the web form");
        }
        Subscriber added = subscribers.addIfAbsent(email, status, consent).orElseThrow(() ->
                new SubscriptionRefusedException(SubscriptionRefusedException.Reason.ALREADY_ON_LIST,
                        email + " is already on the list"));
        if (!preferences.equals(Preferences.DEFAULT)) {
            added = savePreferences(added, preferences);
        }
        if (status == SubscriberStatus.PENDING) {
            sendOnce(added, true);
        }
        return added;
    }

    /** Whether {@code email} was erased on request; imports must refuse it. */
    public boolean isErased(EmailAddress email) {
        return erased.contains(email);
    }

    public Optional<Map<String, Object>> export(EmailAddress email) {
        return personalData.export(email);
    }

    /** Erases {@code email}; false when it is not on the list. */
    public boolean erase(EmailAddress email) {
        boolean done = personalData.erase(email);
        if (done) {
            log.info("event=subscriber_erased");
        }
        return done;
    }
}
