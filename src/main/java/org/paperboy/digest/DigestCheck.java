package org.paperboy.digest;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.paperboy.papers.RankedPaper;
import org.paperboy.templates.TemplateException;
import org.unbescape.html.HtmlEscape;

/**
 * Renders the digest templates against sample data at the largest digest size and reports
 * what would make a bad email: a template error, HTML over the size where Gmail clips, a
 * missing unsubscribe link or postal address (errors), links that are not absolute (warnings).
 */
public final class DigestCheck {

    /** Gmail clips messages at about 102 KB; stay clear of it. */
    public static final int MAX_HTML_BYTES = 100 * 1024;

    private final DigestRenderer renderer;

    public DigestCheck(DigestRenderer renderer) {
        this.renderer = renderer;
    }

    /** One finding: an error stops an edition, a warning does not. */
    public record Finding(boolean error, String message) {
    }

    public List<Finding> check(LocalDate date, List<RankedPaper> largestDigest) {
        List<Finding> findings = new ArrayList<>();
        Recipient recipient = new Recipient("reader@example.org",
                renderer.newsletter().link("/unsubscribe?token=check-unsubscribe-token"),
                renderer.newsletter().link("/preferences?token=check-preferences-token"));
        RenderedDigest digest;
        try {
            digest = renderer.render(date, largestDigest, recipient);
            renderer.renderForReaders(date, largestDigest); // as sending renders it: once, with slots
        } catch (TemplateException e) {
            findings.add(new Finding(true, e.getMessage()));
            return findings;
        }
        int htmlBytes = digest.html().getBytes(StandardCharsets.UTF_8).length;
        if (htmlBytes > MAX_HTML_BYTES) {
            findings.add(new Finding(true, DigestRenderer.HTML_TEMPLATE + ": " + htmlBytes + " bytes of HTML with "
                    + largestDigest.size() + " papers; the limit is " + MAX_HTML_BYTES + " (Gmail clips longer messages)"));
        }
        for (String[] part : new String[][] {{DigestRenderer.HTML_TEMPLATE, digest.html()},
                {DigestRenderer.TEXT_TEMPLATE, digest.text()}}) {
            if (!part[1].contains(recipient.unsubscribeUrl())) {
                findings.add(new Finding(true, part[0] + ": the unsubscribe link (${unsubscribeUrl}) is missing"));
            }
            if (!renderer.newsletter().postalAddress().isEmpty()
                    && !part[1].contains(HtmlEscape.escapeHtml4Xml(renderer.newsletter().postalAddress()))
                    && !part[1].contains(renderer.newsletter().postalAddress())) {
                findings.add(new Finding(true, part[0] + ": the postal address (${newsletter.postalAddress}) is missing"));
            }
        }
        Matcher link = LINK.matcher(digest.html());
        java.util.Set<String> reported = new java.util.HashSet<>();
        while (link.find()) {
            String target = link.group(2);
            if (!ABSOLUTE.matcher(target).lookingAt() && reported.add(target)) {
                findings.add(new Finding(false, DigestRenderer.HTML_TEMPLATE + ": " + link.group(1) + "=\"" + target
                        + "\" is not an absolute link; mail clients have no page to resolve it against"));
            }
        }
        return findings;
    }

    private static final Pattern LINK = Pattern.compile("\\b(href|src)=\"([^\"]*)\"");
    private static final Pattern ABSOLUTE = Pattern.compile("(?i)(https?:|mailto:)");

}
