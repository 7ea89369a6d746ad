package org.paperboy;

import java.time.Clock;
import java.time.LocalDate;
import org.paperboy.config.ConfigException;
import org.paperboy.config.SettingKey;
import org.paperboy.config.Settings;
import org.paperboy.delivery.BouncePoller;
import org.paperboy.delivery.DeliveryLedger;
import org.paperboy.delivery.DeliveryMornings;
import org.paperboy.delivery.DigestPreview;
import org.paperboy.delivery.EditionComposer;
import org.paperboy.delivery.EditionPapers;
import org.paperboy.delivery.EditionPlanner;
import org.paperboy.delivery.EditionRepository;
import org.paperboy.delivery.EditionSender;
import org.paperboy.delivery.MorningDelivery;
import org.paperboy.delivery.NodeDeliveries;
import org.paperboy.delivery.ReaderSelections;
import org.paperboy.delivery.SelectionRepository;
import org.paperboy.delivery.SendMode;
import org.paperboy.papers.Sleeper;
import org.paperboy.digest.DigestRenderer;
import org.paperboy.digest.Newsletter;
import org.paperboy.mail.BounceMailbox;
import org.paperboy.mail.MailTransport;
import org.paperboy.mail.ServerTrust;
import org.paperboy.mail.SmtpMailTransport;
import org.paperboy.papers.PaperRepository;
import org.paperboy.schedule.Scheduling;
import org.paperboy.store.Database;
import org.paperboy.subscriptions.LinkSigner;
import org.paperboy.subscriptions.SubscriberLinks;
import org.paperboy.subscriptions.SubscriberRepository;
import org.paperboy.templates.TemplateSet;

/**
 * Builds Paperboy's object graph from {@link Settings}: explicit wiring, no container, no
 * global state. Parts that need the link secret are built on first use, so commands that do
 * not sign links (import, papers trending) run without one.
 */
public final class Paperboy implements AutoCloseable {

    private final Settings settings;
    private final Clock clock;
    private final String nodeId;
    private final Database database;
    private final PaperRepository papers;
    private final SubscriberRepository subscribers;
    private final EditionRepository editions;
    private final DeliveryLedger ledger;
    private final SelectionRepository selections;
    private final EditionPapers editionPapers;
    private final EditionPlanner planner;
    private final TemplateSet templates;
    private final DigestRenderer renderer;
    private final MailTransport.Factory transports;
    private final Sleeper sleeper;
    private SubscriberLinks links;
    private EditionComposer composer;
    private EditionSender sender;

    private Paperboy(Settings settings, Clock clock, MailTransport.Factory transports, Sleeper sleeper) {
        this.settings = settings;
        this.clock = clock;
        this.database = Database.open(settings.database());
        this.papers = new PaperRepository(database, clock);
        this.subscribers = new SubscriberRepository(database, clock);
        this.editions = new EditionRepository(database, clock);
        this.nodeId = NodeDeliveries.nodeId();
        this.ledger = new DeliveryLedger(database, clock, settings.sending().claimTimeout(), nodeId);
        this.selections = new SelectionRepository(database);
        this.editionPapers = new EditionPapers(editions, papers, selections);
        this.planner = new EditionPlanner(papers, settings.ranking(), settings.digest().timezone(), clock);
        this.templates = new TemplateSet(settings.digest().templatesDir());
        this.renderer = new DigestRenderer(templates, new Newsletter(settings.mail().listName(),
                settings.web().baseUrl(), settings.mail().postalAddress(), settings.brand().accentColor(),
                settings.brand().logoUrl(), settings.brand().intro()), settings.brand().subject());
        this.transports = transports != null ? transports : SmtpMailTransport.factory(settings.smtp(),
                settings.dkim(), heloName(settings), settings.sending().messagesPerConnection());
        this.sleeper = sleeper;
    }

    /** Opens the database (migrating it) and wires everything for {@code settings}. */
    public static Paperboy open(Settings settings, Clock clock) {
        return new Paperboy(settings, clock, null, Sleeper.REAL);
    }

    /** As {@link #open}, sending through {@code transports} instead of the configured SMTP server. */
    public static Paperboy open(Settings settings, Clock clock, MailTransport.Factory transports, Sleeper sleeper) {
        return new Paperboy(settings, clock, transports, sleeper);
    }

    public Settings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    /** This process's id in the cluster: host name and process id. */
    public String nodeId() {
        return nodeId;
    }

    public Database database() {
        return database;
    }

    public PaperRepository papers() {
        return papers;
    }

    public SubscriberRepository subscribers() {
        return subscribers;
    }

    public EditionRepository editions() {
        return editions;
    }

    public DeliveryLedger ledger() {
        return ledger;
    }

    /** Chooses the papers of new editions; knows today's date. */
    public EditionPlanner planner() {
        return planner;
    }

    /** The distinct lists of papers editions sent, and what each reader received. */
    public SelectionRepository selections() {
        return selections;
    }

    /** The papers frozen into editions. */
    public EditionPapers editionPapers() {
        return editionPapers;
    }

    public TemplateSet templates() {
        return templates;
    }

    public DigestRenderer renderer() {
        return renderer;
    }

    /**
     * The signed-link maker.
     *
     * @throws ConfigException when {@code PAPERBOY_SECRET} is shorter than 32 bytes
     */
    public synchronized SubscriberLinks links() {
        if (links == null) {
            if (!settings.web().hasUsableSecret()) {
                throw new ConfigException(SettingKey.SECRET.envName(),
                        settings.web().secret().isEmpty() ? null : "(" + settings.web().secret().length() + " characters)",
                        "a secret of at least " + Settings.Web.MIN_SECRET_BYTES
                                + " bytes, e.g. the output of: openssl rand -hex 32");
            }
            links = new SubscriberLinks(new LinkSigner(settings.web().secret()), settings.web().baseUrl(), clock);
        }
        return links;
    }

    /** How messages leave: the configured SMTP server, or what a test or the demo put in its place. */
    public MailTransport.Factory transports() {
        return transports;
    }

    /** Turns editions into messages; needs the link secret. */
    public synchronized EditionComposer composer() {
        if (composer == null) {
            composer = new EditionComposer(renderer, editionPapers, links(), settings.mail(),
                    settings.digest().timezone(), clock);
        }
        return composer;
    }

    /** Renders digests without sending them; needs the link secret. */
    public DigestPreview preview() {
        return new DigestPreview(editions, editionPapers, planner, renderer, subscribers, links(),
                settings.digest().size(), new org.paperboy.digest.PaperChooser.Weights(
                        settings.choosing().topicWeight(), settings.choosing().trendingWeight()));
    }

    /**
     * Reads the bounce mailbox, when one is configured.
     *
     * @throws ConfigException when {@code PAPERBOY_BOUNCE_MAILBOX_HOST} is not set
     */
    public BouncePoller bouncePoller() {
        Settings.Bounces b = settings.bounces();
        if (!b.enabled()) {
            throw new ConfigException(SettingKey.BOUNCE_MAILBOX_HOST.envName(), null,
                    "the host of the mailbox that receives bounces (and PAPERBOY_BOUNCE_ADDRESS pointing at it)");
        }
        BounceMailbox mailbox = new BounceMailbox(new BounceMailbox.Account(b.protocol(), b.host(), b.port(),
                b.username(), b.password(), b.security(), b.folder(), settings.smtp().timeout()),
                ServerTrust.from(settings.smtp().trust()));
        return new BouncePoller(mailbox, database, subscribers, links().signer(), b.softBounceLimit(), clock);
    }

    /** Chooses each reader's papers before an edition goes out. */
    public ReaderSelections readerSelections() {
        return new ReaderSelections(database, selections, settings.choosing(), clock);
    }

    /** The edition sender; needs the link secret. */
    public synchronized EditionSender sender() {
        if (sender == null) {
            sender = new EditionSender(planner, editions, ledger, composer(), readerSelections(), subscribers,
                    transports, settings.sending(), settings.digest(), settings.mail().from(),
                    database.localDirectory("journal"), clock, sleeper);
        }
        return sender;
    }

    /** Sends each reader their edition at their own morning: what the scheduler's jobs run. */
    public MorningDelivery morningDelivery() {
        return new MorningDelivery(sender(), editions, ledger, subscribers,
                new DeliveryMornings(settings.digest().deliveryTime(), settings.digest().timezone()),
                settings.digest().size(), settings.sending().retryCutoff(), clock);
    }

    /** The scheduler with Paperboy's jobs, in standby until started. */
    public Scheduling scheduling(Runnable ingest) {
        String bounceCron = settings.bounces().enabled() ? settings.bounces().pollCron() : null;
        return Scheduling.create(database, settings.digest(), bounceCron, nodeId, clock, new Scheduling.Jobs() {
            @Override
            public void sendDigest() {
                morningDelivery().sendDue();
                // serve holds the H2 file open for days: the dead pages an edition leaves go now
                database.compactIfWasteful();
            }

            @Override
            public void ingest() {
                ingest.run();
            }

            @Override
            public void retryDeferred() {
                morningDelivery().sendDue();
            }

            @Override
            public void pollBounces() {
                if (settings.bounces().enabled()) {
                    try {
                        bouncePoller().pollOnce();
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException("cannot read the bounce mailbox at " + settings.bounces().host()
                                + ": " + e.getMessage(), e);
                    }
                }
            }

            @Override
            public boolean claimCatchUp(LocalDate date) {
                // an edition being sent is joined by every node's retry job; only a missing one needs the digest job
                return editions.find(date).isEmpty() && editions.claimCatchUp(date, nodeId);
            }
        });
    }

    @Override
    public void close() {
        database.close();
    }

    private static String heloName(Settings settings) {
        String host = settings.web().baseUrl().getHost();
        return host == null || host.isEmpty() ? "localhost" : host;
    }
}
