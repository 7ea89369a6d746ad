package org.paperboy.config;

import java.net.URI;
import java.util.Locale;

/** Which links Paperboy will put in a page, a message or a setting: absolute http(s) URLs with a host. */
public final class WebUrls {

    private WebUrls() {
    }

    public static boolean isWebUrl(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    }
}
