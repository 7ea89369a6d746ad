package org.paperboy.digest;

import java.net.URI;
import java.time.LocalDate;
import java.util.Collections;
import java.util.HashMap;
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

    /** The newsletter as digest templates read it ({@code newsletter.name}); see {@link PaperCard#templateValues()}. */
    Map<String, Object> templateValues() {
        Map<String, Object> values = new HashMap<>(12);
        values.put("name", name);
        values.put("baseUrl", baseUrl);
        values.put("postalAddress", postalAddress);
        values.put("accentColor", accentColor);
        values.put("logoUrl", logoUrl);
        values.put("intro", intro);
        return Collections.unmodifiableMap(values);
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
