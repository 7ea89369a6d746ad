package org.paperboy.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /inbox}: the list of caught messages, and each message's HTML or text part. */
final class InboxPages {

    private final Inbox inbox;
    private final Pages pages;

    InboxPages(Inbox inbox, Pages pages) {
        this.inbox = inbox;
        this.pages = pages;
    }

    void register(RoutesConfig routes) {
        routes.get("/inbox", this::list);
        routes.get("/inbox/{number}", this::show);
    }

    /** A row of the inbox page: its number in the list, newest first. */
    record Row(int number, String to, String subject) {
    }

    private void list(Context ctx) {
        List<Inbox.Message> messages = inbox.messages();
        List<Row> rows = new ArrayList<>();
        for (int i = messages.size() - 1; i >= 0; i--) {
            rows.add(new Row(i + 1, messages.get(i).to(), messages.get(i).subject()));
        }
        pages.render(ctx, 200, "inbox.html", Map.of("messages", rows));
    }

    private void show(Context ctx) {
        List<Inbox.Message> messages = inbox.messages();
        int number;
        try {
            number = Integer.parseInt(ctx.pathParam("number"));
        } catch (NumberFormatException e) {
            number = 0;
        }
        if (number < 1 || number > messages.size()) {
            throw new Pages.Problem(404, "No such message", "The inbox has no message with that number.");
        }
        Inbox.Message message = messages.get(number - 1);
        ctx.header("Cache-Control", "no-store");
        if ("text".equals(ctx.queryParam("part")) || message.html().isEmpty()) {
            ctx.contentType("text/plain; charset=UTF-8").result(message.text());
        } else {
            ctx.contentType("text/html; charset=UTF-8").result(message.html());
        }
    }
}
