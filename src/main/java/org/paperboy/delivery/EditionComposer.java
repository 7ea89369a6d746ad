package org.paperboy.delivery;

import org.paperboy.mail.Mailboxes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.paperboy.config.Settings;
import org.paperboy.digest.DigestRenderer;
import org.paperboy.digest.Recipient;
import org.paperboy.digest.RenderedDigest;
import org.paperboy.mail.BodyTemplate;
import org.paperboy.mail.Letter;
import org.paperboy.mail.Envelope;
import org.paperboy.mail.LetterWriter;
import org.paperboy.mail.OutgoingMessage;
import org.paperboy.papers.RankedPaper;
import org.paperboy.subscriptions.SubscriberLinks;

/**
 * Turns an edition into messages. Each distinct digest (a reader's selection, or ranking × size
 * for rows made without one) is rendered once; per subscriber only the headers and the signed
 * links are new, spliced into bodies that were encoded beforehand.
 */
public final class EditionComposer {

    /** Rendered selections kept at once; a few hundred KB each. */
    static final int SELECTIONS_KEPT = 64;

    private final DigestRenderer renderer;
    private final EditionPapers editionPapers;
    private final SubscriberLinks links;
    private final Settings.Mail mail;
    private final ZoneId zone;
    private final Clock clock;

    public EditionComposer(DigestRenderer renderer, EditionPapers editionPapers, SubscriberLinks links,
                           Settings.Mail mail, ZoneId zone, Clock clock) {
        this.renderer = renderer;
        this.editionPapers = editionPapers;
        this.links = links;
        this.mail = mail;
        this.zone = zone;
        this.clock = clock;
    }

    /** The rankings frozen into an edition, with their papers loaded. */
    public Map<Edition.Selection, List<RankedPaper>> rankings(Edition edition) {
        return editionPapers.rankings(edition);
    }

    /**
     * Renders every variant an edition needs before anything is sent, so that a template error
     * stops the edition instead of reaching an inbox half-rendered.
     */
    public Prepared prepare(Edition edition, List<DeliveryLedger.Variant> variants) {
        return prepare(edition, rankings(edition), variants);
    }

    /** As {@link #prepare(Edition, List)}, with the rankings given (an edition not stored yet, for a dry run). */
    public Prepared prepare(Edition edition, Map<Edition.Selection, List<RankedPaper>> rankings,
                            List<DeliveryLedger.Variant> variants) {
        Prepared prepared = new Prepared(edition, rankings);
        for (DeliveryLedger.Variant variant : variants) {
            prepared.body(variant.selection(), variant.size());
        }
        return prepared;
    }

    private static List<BodyTemplate.Slot> slots(List<RenderedDigest.Slot> slots) {
        return slots.stream().map(slot -> new BodyTemplate.Slot(slot.at(), slot.end(), slot.name())).toList();
    }

    /** An edition ready to send: rendered bodies per variant, cached. */
    public final class Prepared {
        private final Edition edition;
        private final Map<Edition.Selection, List<RankedPaper>> rankings;
        private final Map<String, Body> bodies = new ConcurrentHashMap<>();
        /**
         * Bodies of readers' selections, each rendered once: rows are queued in selection order, so
         * a selection's readers come in one stretch and the few in flight are all that is kept.
         */
        private final Map<Long, Body> selectionBodies = new ConcurrentHashMap<>();
        /** Selections in the order they were rendered: the oldest is the first one done with. */
        private final java.util.Queue<Long> renderedOrder = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger selectionsRendered = new java.util.concurrent.atomic.AtomicInteger();
        private final LetterWriter writer;
        private final String listId;
        private final Instant linkExpiry;
        /** The templates as they were when the edition was prepared, each parsed once for all its digests. */
        private final DigestRenderer editionRenderer;

        private Prepared(Edition edition, Map<Edition.Selection, List<RankedPaper>> rankings) {
            this.edition = edition;
            this.rankings = rankings;
            this.editionRenderer = renderer.frozen();
            this.writer = new LetterWriter("paperboy-" + edition.date() + "-" + edition.id());
            this.listId = listId();
            // the same expiry for every message of the edition, so a retry carries the same links
            this.linkExpiry = edition.createdAt().plus(org.paperboy.subscriptions.LinkPurpose.UNSUBSCRIBE.lifetime());
        }

        record Body(String subject, BodyTemplate text, BodyTemplate html) {
        }

        Body body(Edition.Selection selection, int size) {
            return bodies.computeIfAbsent(selection + "/" + size, key -> {
                List<RankedPaper> ranking = rankings.getOrDefault(selection, List.of());
                return render(ranking.subList(0, Math.min(size, ranking.size())));
            });
        }

        /** The body of a claimed delivery: its own selection, or the cut of its ranking for rows made without one. */
        Body body(DeliveryLedger.Claim claim) {
            if (claim.selectionId() == 0) {
                return body(claim.selection(), claim.digestSize());
            }
            // a plain FIFO, not an LRU cache library: rows come in selection order, so the oldest is done with
            Body body = selectionBodies.computeIfAbsent(claim.selectionId(), id -> {
                renderedOrder.add(id);
                selectionsRendered.incrementAndGet();
                return render(editionPapers.selection(id, rankings));
            });
            while (selectionBodies.size() > SELECTIONS_KEPT) {
                Long oldest = renderedOrder.poll();
                if (oldest == null) {
                    break;
                }
                selectionBodies.remove(oldest);
            }
            return body;
        }

        /** How many readers' selections this edition rendered so far. */
        public int selectionsRendered() {
            return selectionsRendered.get();
        }

        private Body render(List<RankedPaper> papers) {
            RenderedDigest digest = editionRenderer.renderForReaders(edition.date(), papers);
            return new Body(digest.subject(),
                    BodyTemplate.compile(digest.text(), slots(digest.textSlots()), BodyTemplate.Kind.TEXT),
                    BodyTemplate.compile(digest.html(), slots(digest.htmlSlots()), BodyTemplate.Kind.HTML));
        }

        public Edition edition() {
            return edition;
        }

        /** The subject line of one variant's digest. */
        public String subject(Edition.Selection selection, int size) {
            return body(selection, size).subject();
        }

        /** The message for one claimed delivery. */
        public OutgoingMessage compose(DeliveryLedger.Claim claim) {
            Body body = body(claim);
            String unsubscribeUrl = links.unsubscribeUrl(claim.subscriberId(), linkExpiry);
            Recipient recipient = new Recipient(claim.email(), unsubscribeUrl,
                    links.preferencesUrl(claim.subscriberId(), linkExpiry));
            Letter letter = new Letter(mail.from(), mail.replyTo(), claim.email(), body.subject(),
                    ZonedDateTime.ofInstant(clock.instant(), zone), claim.messageId(), List.of(
                    Map.entry("List-Id", listId),
                    Map.entry("List-Unsubscribe", "<" + unsubscribeUrl + ">"),
                    Map.entry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                    Map.entry("X-Paperboy-Edition", edition.date().toString())));
            byte[] content = writer.write(letter, body.text(), body.html(), recipient.asSlotValues());
            return new OutgoingMessage(envelope(claim), content);
        }

        /** The SMTP envelope of a claimed delivery's message. */
        public Envelope envelope(DeliveryLedger.Claim claim) {
            return new Envelope(envelopeFrom(claim), claim.email());
        }

        private String envelopeFrom(DeliveryLedger.Claim claim) {
            if (mail.bounceAddress().isEmpty()) {
                return Mailboxes.bare(mail.from());
            }
            return mail.bounceAddress().replace("TOKEN", links.bounceToken(claim.deliveryId()));
        }

        private String listId() {
            String host = renderer.newsletter().baseUrl().getHost();
            return LetterWriter.encodeText("List-Id", mail.listName()) + " <paperboy." + host + ">";
        }
    }
}
