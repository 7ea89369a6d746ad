package org.paperboy.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.json}: the admin API's OpenAPI 3.1 description. The file is
 * {@code docs/openapi.json}, copied into the jar by the build; it names no secret, so it needs no token.
 */
final class OpenApiDocument {

    static final String RESOURCE = "api/openapi.json";

    private final byte[] document;

    OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void register(RoutesConfig routes) {
        routes.get("/api/openapi.json", this::serve);
    }

    private void serve(Context ctx) {
        ctx.status(200).header("Cache-Control", "public, max-age=300").contentType("application/json; charset=utf-8")
                .result(document);
    }
}
