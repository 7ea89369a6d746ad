package org.paperboy.web;

import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import org.paperboy.config.Settings;
import org.paperboy.templates.TemplateSet;

/**
 * Renders the public pages from {@code templates/pages/}. Page names are constants of this
 * package, never taken from a request; every value is escaped by the HTML template mode.
 */
final class Pages {

    private final TemplateSet templates;
    private final Settings settings;
    private final String base;

    Pages(TemplateSet templates, Settings settings) {
        this.templates = templates;
        this.settings = settings;
        String url = settings.web().baseUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The public base URL without a trailing slash. */
    String base() {
        return base;
    }

    void render(Context ctx, int status, String page, Map<String, Object> values) {
        String html = html(page, values);
        // pages carry signed links: keep them out of caches
        ctx.status(status).header("Cache-Control", "no-store").contentType("text/html; charset=UTF-8").result(html);
    }

    /** {@code templates/pages/page} rendered with {@code values} and the values every page has. */
    String html(String page, Map<String, Object> values) {
        Map<String, Object> all = new HashMap<>(values);
        all.put("listName", settings.mail().listName());
        all.put("postalAddress", settings.mail().postalAddress());
        all.put("base", base);
        return templates.render("pages/" + page, all);
    }

    void error(Context ctx, int status, String heading, String message) {
        render(ctx, status, "error.html", Map.of("heading", heading, "message", message));
    }

    /** A problem shown as a page with a status, thrown from a handler. */
    static final class Problem extends RuntimeException {
        final int status;
        final String heading;

        Problem(int status, String heading, String message) {
            super(message);
            this.status = status;
            this.heading = heading;
        }
    }
}
