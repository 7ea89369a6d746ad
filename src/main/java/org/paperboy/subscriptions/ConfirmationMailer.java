package org.paperboy.subscriptions;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.paperboy.config.Settings;
import org.paperboy.mail.BodyTemplate;
import org.paperboy.mail.Envelope;
import org.paperboy.mail.Letter;
import org.paperboy.mail.LetterWriter;
import org.paperboy.mail.MailSettingsException;
import org.paperboy.mail.MailTransport;
import org.paperboy.mail.Mailboxes;
import org.paperboy.mail.OutgoingMessage;
import org.paperboy.mail.SendResult;
import org.paperboy.templates.TemplateSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the double opt-in email from the operator's {@code confirm.html} and {@code confirm.txt}.
 * The same templates write the note to someone who is already subscribed ({@code alreadySubscribed}
 * is true), which carries fresh preferences and unsubscribe links instead of a confirm link.
 */
public final class ConfirmationMailer {

    private static final Logger log = LoggerFactory.getLogger(ConfirmationMailer.class);

    public static final String HTML_TEMPLATE = "confirm.html";
    public static final String TEXT_TEMPLATE = "confirm.txt";

    private final TemplateSet templates;
    private final Settings.Mail mail;
    private final String baseUrl;
    private final MailTransport.Factory transports;
    private final ZoneId zone;
    private final Clock clock;

    public ConfirmationMailer(TemplateSet templates, Settings.Mail mail, String baseUrl,
                              MailTransport.Factory transports, ZoneId zone, Clock clock) {
        this.templates = templates;
        this.mail = mail;
        this.baseUrl = baseUrl;
        this.transports = transports;
        this.zone = zone;
        this.clock = clock;
    }

    /** The links a message carries; {@code confirmUrl} is null for the already-subscribed note. */
    public record Links(String confirmUrl, String preferencesUrl, String unsubscribeUrl) {
    }

    /** The rendered parts of one message. */
    public record Rendered(String subject, String html, String text) {
    }

    /**
     * Renders the message for {@code email} without sending it.
     *
     * @throws org.paperboy.templates.TemplateException when a template does not render
     */
    public Rendered render(String email, Links links) {
        boolean already = links.confirmUrl() == null;
        Map<String, Object> vars = new HashMap<>();
        vars.put("listName", mail.listName());
        vars.put("baseUrl", baseUrl);
        vars.put("postalAddress", mail.postalAddress());
        vars.put("email", email);
        vars.put("alreadySubscribed", already);
        vars.put("confirmUrl", links.confirmUrl());
        vars.put("preferencesUrl", links.preferencesUrl());
        vars.put("unsubscribeUrl", links.unsubscribeUrl());
        vars.put("expiresInHours", LinkPurpose.CONFIRM.lifetime().toHours());
        String html = templates.render(HTML_TEMPLATE, vars);
        String text = templates.render(TEXT_TEMPLATE, vars);
        String subject = already ? "You are already subscribed to " + mail.listName()
                : "Confirm your subscription to " + mail.listName();
        return new Rendered(subject, html, text);
    }

    /** Renders and sends one message; returns whether the server accepted it. */
    public boolean send(String email, Links links) {
        boolean already = links.confirmUrl() == null;
        Rendered rendered = render(email, links);
        String html = rendered.html();
        String text = rendered.text();
        String subject = rendered.subject();
        String from = Mailboxes.bare(mail.from());
        String messageId = "<confirm." + UUID.randomUUID() + from.substring(from.lastIndexOf('@')) + ">";
        Letter letter = new Letter(mail.from(), mail.replyTo(), email, subject,
                ZonedDateTime.ofInstant(clock.instant(), zone), messageId, List.of(Map.entry("Auto-Submitted", "auto-generated")));
        byte[] content = new LetterWriter("paperboy-confirm-" + UUID.randomUUID()).write(letter,
                BodyTemplate.plain(text, BodyTemplate.Kind.TEXT), BodyTemplate.plain(html, BodyTemplate.Kind.HTML),
                Map.of());
        SendResult result;
        try (MailTransport transport = transports.open()) {
            result = transport.send(new OutgoingMessage(new Envelope(from, email), content));
        } catch (MailSettingsException e) {
            log.error("event=confirmation_not_sent kind={} reason=\"{}\"", already ? "already_subscribed" : "confirm",
                    e.getMessage());
            return false;
        }
        String kind = already ? "already_subscribed" : "confirm";
        if (result instanceof SendResult.Accepted) {
            log.info("event=confirmation_sent kind={} domain={}", kind, email.substring(email.lastIndexOf('@') + 1));
            return true;
        }
        log.warn("event=confirmation_not_sent kind={} reply=\"{}\"", kind, result.reply());
        return false;
    }
}
