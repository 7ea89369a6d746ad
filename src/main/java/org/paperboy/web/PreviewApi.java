package org.paperboy.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.paperboy.delivery.DigestPreview;
import org.paperboy.subscriptions.EmailAddress;

/** {@code GET /preview}: today's digest rendered from the templates as they are now, for the operator. */
final class PreviewApi {

    private final AdminApi admin;
    private final DigestPreview preview;

    PreviewApi(AdminApi admin, DigestPreview preview) {
        this.admin = admin;
        this.preview = preview;
    }

    void register(RoutesConfig routes) {
        routes.get("/preview", this::preview);
    }

    /**
     * Today's digest as a subscriber (or a sample reader) would get it, rendered from the templates
     * as they are now. Takes the admin token as a bearer token or, so that a browser can open it,
     * as the password of HTTP Basic authentication (any user name).
     */
    private void preview(Context ctx) {
        String presented = AdminApi.bearerToken(ctx);
        if (presented.isEmpty()) {
            presented = AdminApi.basicPassword(ctx);
        }
        if (!admin.accepts(ctx, presented)) {
            ctx.header("WWW-Authenticate", "Basic realm=\"Paperboy preview\", charset=\"UTF-8\"");
            ctx.status(401).contentType("text/plain; charset=utf-8").result(!admin.enabled()
                    ? "The preview is disabled: set PAPERBOY_ADMIN_TOKEN to enable it."
                    : "Sign in with any user name and the admin token as the password.");
            return;
        }
        String who = ctx.queryParam("subscriber");
        String dateParam = ctx.queryParam("date");
        LocalDate date = dateParam == null || dateParam.isEmpty() ? null : EditionDates.parse(dateParam)
                .orElseThrow(() -> new ApiError(400, "date must look like 2026-11-26", "date"));
        org.paperboy.digest.RenderedDigest digest;
        try {
            digest = preview.render(date, who == null || who.isEmpty() ? null : EmailAddress.parse(who));
        } catch (org.paperboy.subscriptions.InvalidEmailException e) {
            throw new ApiError(400, e.getMessage(), "subscriber");
        } catch (IllegalArgumentException e) {
            throw new ApiError(404, e.getMessage(), "subscriber");
        } catch (org.paperboy.delivery.NothingToSendException e) {
            throw new ApiError(404, e.getMessage(), null);
        } catch (org.paperboy.templates.TemplateException e) {
            ctx.status(500).contentType("text/plain; charset=utf-8").result("The template does not render:\n" + e.getMessage());
            return;
        }
        ctx.header("Cache-Control", "no-store").header("X-Paperboy-Subject", java.net.URLEncoder.encode(digest.subject(),
                StandardCharsets.UTF_8));
        if ("text".equals(ctx.queryParam("format"))) {
            ctx.contentType("text/plain; charset=utf-8").result(digest.text());
        } else {
            ctx.contentType("text/html; charset=utf-8").result(digest.html());
        }
    }
}
