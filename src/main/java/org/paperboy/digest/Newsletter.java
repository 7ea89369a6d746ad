package org.paperboy.digest;

import java.net.URI;
import java.time.LocalDate;
import java.util.Map;

/**
 * What every digest and page says about the newsletter itself. {@code logoUrl} and
 * {@code intro} are null when not set.
 */
public record Newsletter(String name, URI baseUrl, String postalAddress, String accentColor, String logoUrl,
                         String intro) {

    public static final String DEFAULT_ACCENT = "#b4541a";

    public Newsletter {
        logoUrl = logoUrl == null || logoUrl.isEmpty() ? null : logoUrl;
        intro = intro == null || intro.isEmpty() ? null : intro;
        accentColor = accentColor == null || accentColor.isEmpty() ? DEFAULT_ACCENT : accentColor;
    }

    /** A newsletter with the default look. */
    public Newsletter(String name, URI baseUrl, String postalAddress) {
        this(name, baseUrl, postalAddress, DEFAULT_ACCENT, null, null);
    }

    /** The newsletter as digest templates read it ({@code newsletter.name}); see {@link TemplateValues}. */
    Map<String, Object> templateValues() {
        return TemplateValues.of("name", name, "baseUrl", baseUrl, "postalAddress", postalAddress,
                "accentColor", accentColor, "logoUrl", logoUrl, "intro", intro);
    }

    public String editionUrl(LocalDate date) {
        return link("/editions/" + date);
    }

    /** An absolute link under the base URL, e.g. {@code link("/preferences?token=...")}. */
    public String link(String pathAndQuery) {
        String base = baseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery;
    }
}
