package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.testing.TestSettings;

/** The demo's inbox view: caught messages listed newest first, each readable as HTML or text. */
class InboxPagesTest {

    @TempDir
    Path dir;

    @Test
    void listsCaughtMailAndShowsEachMessage() throws Exception {
        List<Inbox.Message> caught = List.of(
                new Inbox.Message("ada@example.org", "Your digest <today>", "<p>digest body</p>", "digest text"),
                new Inbox.Message("new@example.org", "Confirm your subscription", "", "click the link"));
        try (Paperboy paperboy = Paperboy.open(TestSettings.in(dir).build(), Clock.systemUTC())) {
            WebServer web = WebServer.start(paperboy, null, 0, WebLimits.DEFAULT, () -> caught);
            try {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + web.port();
                HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base + "/inbox")).build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(base + "/inbox/1")).build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> second = http.send(HttpRequest.newBuilder(URI.create(base + "/inbox/2")).build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "/inbox/3")).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(list.statusCode()).isEqualTo(200);
                assertThat(list.body()).contains("Your digest &lt;today&gt;", "Confirm your subscription");
                assertThat(list.body().indexOf("Confirm your subscription")).isLessThan(list.body().indexOf("Your digest"));
                assertThat(first.body()).isEqualTo("<p>digest body</p>");
                assertThat(second.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
                assertThat(second.body()).isEqualTo("click the link");
                assertThat(missing.statusCode()).isEqualTo(404);
            } finally {
                web.close();
            }
        }
    }

    @Test
    void withoutAnInboxThereIsNoInboxPage() throws Exception {
        try (Paperboy paperboy = Paperboy.open(TestSettings.in(dir).build(), Clock.systemUTC())) {
            WebServer web = WebServer.start(paperboy, null, 0);
            try {
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + web.port() + "/inbox")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(404);
            } finally {
                web.close();
            }
        }
    }
}
