package org.paperboy.digest;

import java.net.URI;
import java.time.LocalDate;

/** What every digest and page says about the newsletter itself. */
public record Newsletter(String name, URI baseUrl, String postalAddress) {

    public String editionUrl(LocalDate date) {
        return link("/editions/" + date);
    }

    /** An absolute link under the base URL, e.g. {@code link("/preferences?token=...")}. */
    public String link(String pathAndQuery) {
        String base = baseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery;
    }
}
