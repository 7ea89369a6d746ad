package org.paperboy.web;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.paperboy.Paperboy;
import org.paperboy.config.Settings;
import org.paperboy.digest.DigestCheck;
import org.paperboy.subscriptions.ConfirmationMailer;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.templates.TemplateException;
import org.paperboy.templates.TemplateSet;

/**
 * Renders every page template, the feed and both confirmation templates against sample data, for
 * {@code templates check}: each one that does not render is a finding with its file, line and
 * column; a confirmation email without its confirm link is one too.
 */
public final class PageCheck {

    private static final String EMAIL = "reader@example.org";

    private final TemplateSet templates;
    private final Settings settings;
    private final ConfirmationMailer mailer;

    public PageCheck(Paperboy paperboy) {
        this.templates = paperboy.templates();
        this.settings = paperboy.settings();
        this.mailer = new ConfirmationMailer(templates, settings.mail(), settings.web().baseUrl().toString(),
                paperboy.transports(), settings.digest().timezone(), paperboy.clock());
    }

    public List<DigestCheck.Finding> check() {
        List<DigestCheck.Finding> findings = new ArrayList<>();
        String base = new Pages(templates, settings).base();
        String confirm = base + "/confirm?token=check-confirm-token";
        try {
            ConfirmationMailer.Rendered rendered = mailer.render(EMAIL, new ConfirmationMailer.Links(confirm,
                    base + "/preferences?token=p", base + "/unsubscribe?token=u"));
            for (String[] part : new String[][] {{ConfirmationMailer.HTML_TEMPLATE, rendered.html()},
                    {ConfirmationMailer.TEXT_TEMPLATE, rendered.text()}}) {
                if (!part[1].contains(confirm)) {
                    findings.add(new DigestCheck.Finding(true, part[0] + ": the confirm link (${confirmUrl}) is missing"));
                }
            }
            mailer.render(EMAIL, new ConfirmationMailer.Links(null, base + "/preferences?token=p", base + "/unsubscribe?token=u"));
        } catch (TemplateException e) {
            findings.add(new DigestCheck.Finding(true, e.getMessage()));
        }
        samples(base).forEach((page, vars) -> {
            Map<String, Object> all = new HashMap<>(vars);
            all.put("listName", settings.mail().listName());
            all.put("postalAddress", settings.mail().postalAddress());
            all.put("base", base);
            try {
                templates.render("pages/" + page, all);
            } catch (TemplateException e) {
                findings.add(new DigestCheck.Finding(true, e.getMessage()));
            }
        });
        try {
            LocalDate date = LocalDate.parse("2026-11-26");
            templates.render(EditionPages.FEED_TEMPLATE, EditionPages.feedValues(settings.mail().listName(), base,
                    Instant.parse("2026-11-26T07:00:00Z"), List.of(new EditionPages.FeedEntry(base + "/editions/" + date,
                            date, "26 Nov 2026", "2026-11-26T07:00:00Z",
                            List.of(new EditionPages.FeedPaper(1, "A paper", base + "/")), "1. A paper"))));
        } catch (TemplateException e) {
            findings.add(new DigestCheck.Finding(true, e.getMessage()));
        }
        return findings;
    }

    /** Each page with the kind of values its handler gives it. */
    private Map<String, Map<String, Object>> samples(String base) {
        List<Map<String, String>> days = new ArrayList<>();
        for (DayOfWeek d : DayOfWeek.values()) {
            days.add(Map.of("value", d.name(), "label", d.getDisplayName(TextStyle.FULL, Locale.ENGLISH)));
        }
        Map<String, Object> preferences = new HashMap<>();
        preferences.put("email", EMAIL);
        preferences.put("status", "active");
        preferences.put("statusText", "active");
        preferences.put("action", base + "/preferences?token=t");
        preferences.put("csrf", "csrf");
        preferences.put("form", new SubscriptionPages.PreferencesForm("10", "weekly", "MONDAY", "", "robotics",
                "Asia/Kolkata"));
        preferences.put("errors", Map.of("digest_size", "Choose 5 to 25."));
        preferences.put("saved", true);
        preferences.put("summary", Map.of("papers", "10", "frequency", "weekly, on Mondays", "paused", "not paused",
                "topics", "robotics", "timezone", "Asia/Kolkata"));
        preferences.put("zones", org.paperboy.subscriptions.TimeZones.choices());
        preferences.put("newsletterZone", settings.digest().timezone().getId());
        preferences.put("defaultSize", settings.digest().size() + " papers");
        preferences.put("sizes", IntStream.rangeClosed(Preferences.MIN_SIZE, Preferences.MAX_SIZE).boxed().toList());
        preferences.put("days", days);
        preferences.put("unsubscribeUrl", base + "/unsubscribe?token=u");
        preferences.put("previewTopics", "robotics");
        preferences.put("picks", List.of(Map.of("title", "Dexterous robot manipulation from human videos",
                "reason", "matches robotics · 132 upvotes · trending for 5 hours")));
        Map<String, Object> subscribe = new HashMap<>();
        subscribe.put("error", "Enter an email address.");
        subscribe.put("email", EMAIL);
        subscribe.put("topics", "robotics");
        subscribe.put("editions", List.of(Map.of("url", base + "/editions/2026-11-26", "label", "26 November")));
        return Map.of(
                "subscribe.html", subscribe,
                "check-inbox.html", Map.of("email", EMAIL),
                "confirmed.html", Map.of("email", EMAIL, "preferencesUrl", base + "/preferences?token=p"),
                "unsubscribe.html", Map.of("email", EMAIL, "action", base + "/unsubscribe?token=u",
                        "preferencesUrl", base + "/preferences?token=p"),
                "unsubscribed.html", Map.of("email", EMAIL),
                "preferences.html", preferences,
                "link-problem.html", Map.of("expired", true),
                "error.html", Map.of("heading", "Something went wrong", "message", "Please try again."),
                "inbox.html", Map.of("messages", List.of(new InboxPages.Row(1, EMAIL, "Subject"))));
    }
}
