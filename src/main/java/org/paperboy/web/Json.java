package org.paperboy.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON in and out of the admin API and the health check. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {
    }

    static void send(Context ctx, int status, Object body) {
        try {
            ctx.status(status).header("Cache-Control", "no-store").contentType("application/json; charset=utf-8")
                    .result(MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    static void error(Context ctx, int status, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("field", field);
        send(ctx, status, body);
    }

    /** Parses a request body; a body that is not JSON is a 400 naming the problem. */
    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiError(400, "the request needs a JSON body");
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new ApiError(400, "the body is not valid JSON: " + message);
        }
    }
}
