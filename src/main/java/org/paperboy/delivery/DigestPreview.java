package org.paperboy.delivery;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.paperboy.digest.PaperChooser;
import org.paperboy.digest.DigestRenderer;
import org.paperboy.digest.Recipient;
import org.paperboy.digest.RenderedDigest;
import org.paperboy.papers.RankedPaper;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Frequency;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberLinks;
import org.paperboy.subscriptions.SubscriberRepository;

/**
 * A digest rendered as it would be sent, without sending it: the frozen edition of the date if
 * there is one, else the ranking as it stands; for one subscriber (their size, frequency and
 * links) or for a sample reader. Templates are read afresh each time, so edits show at once.
 */
public final class DigestPreview {

    public static final String SAMPLE_READER = "reader@example.org";

    private final EditionRepository editions;
    private final EditionPapers editionPapers;
    private final EditionPlanner planner;
    private final DigestRenderer renderer;
    private final SubscriberRepository subscribers;
    private final SubscriberLinks links;
    private final int defaultSize;
    private final PaperChooser.Weights weights;

    public DigestPreview(EditionRepository editions, EditionPapers editionPapers, EditionPlanner planner,
                         DigestRenderer renderer, SubscriberRepository subscribers, SubscriberLinks links,
                         int defaultSize, PaperChooser.Weights weights) {
        this.weights = weights;
        this.editions = editions;
        this.editionPapers = editionPapers;
        this.planner = planner;
        this.renderer = renderer;
        this.subscribers = subscribers;
        this.links = links;
        this.defaultSize = defaultSize;
    }

    /**
     * @param date       the edition date, or null for today
     * @param subscriber the subscriber to render for, or null for a sample reader
     * @throws IllegalArgumentException when there is no such subscriber
     * @throws NothingToSendException when there is no edition and no paper trending
     */
    public RenderedDigest render(LocalDate date, EmailAddress subscriber) {
        LocalDate day = date != null ? date : planner.today();
        Map<Edition.Selection, List<RankedPaper>> rankings = editions.find(day)
                .map(editionPapers::rankings).orElseGet(planner::chooseNow);
        Edition.Selection selection = Edition.Selection.DAILY;
        int size = defaultSize;
        Recipient recipient = new Recipient(SAMPLE_READER, links.unsubscribeUrl(0), links.preferencesUrl(0));
        List<String> topics = List.of();
        if (subscriber != null) {
            Subscriber s = subscribers.findByEmail(subscriber)
                    .orElseThrow(() -> new IllegalArgumentException("no subscriber " + subscriber));
            if (s.preferences().digestSize() != null) {
                size = s.preferences().digestSize();
            }
            if (s.preferences().frequency() == Frequency.WEEKLY) {
                selection = Edition.Selection.WEEKLY;
            }
            recipient = new Recipient(s.email(), links.unsubscribeUrl(s.id()), links.preferencesUrl(s.id()));
            topics = s.preferences().topics();
        }
        // what their topics pick from the edition; what they already received is not left out here
        List<RankedPaper> papers = new PaperChooser(rankings.getOrDefault(selection, List.of()), weights)
                .choose(topics, Set.of(), size).papers();
        return renderer.render(day, papers, recipient);
    }
}
