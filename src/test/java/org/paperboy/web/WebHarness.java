package org.paperboy.web;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/**
 * A Paperboy on a fresh H2 database sending to GreenMail, with its web server on a free
 * loopback port and PAPERBOY_BASE_URL pointing at it, plus a plain HTTP client.
 */
final class WebHarness implements AutoCloseable {

    static final String ADMIN_TOKEN = "admin-token-for-tests-0123456789";
    /** Thursday 26 November 2026, 07:00 UTC. */
    static final Instant START = Instant.parse("2026-11-26T07:00:00Z");

    final MutableClock clock = new MutableClock(START);
    final GreenMailExtension greenMail;
    final Paperboy paperboy;
    final WebServer server;
    final String base;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private WebHarness(Path dir, GreenMailExtension greenMail, WebLimits limits, Map<String, String> extra) {
        this.greenMail = greenMail;
        int port = freePort();
        this.base = "http://127.0.0.1:" + port;
        TestSettings settings = TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort())
                .with("BASE_URL", base).with("ADMIN_TOKEN", ADMIN_TOKEN);
        extra.forEach(settings::with);
        this.paperboy = Paperboy.open(settings.build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(30, clock.instant()));
        this.server = WebServer.start(paperboy, null, port, limits);
    }

    static WebHarness start(Path dir, GreenMailExtension greenMail) {
        return new WebHarness(dir, greenMail, WebLimits.DEFAULT, Map.of());
    }

    static WebHarness start(Path dir, GreenMailExtension greenMail, WebLimits limits, Map<String, String> extra) {
        return new WebHarness(dir, greenMail, limits, extra);
    }

    @Override
    public void close() {
        server.close();
        paperboy.close();
    }

    // ---- HTTP

    HttpResponse<String> get(String pathOrUrl) {
        return send(HttpRequest.newBuilder(uri(pathOrUrl)).GET().build());
    }

    HttpResponse<String> post(String pathOrUrl, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(pathOrUrl)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> postForm(String pathOrUrl, Map<String, String> fields) {
        return post(pathOrUrl, "application/x-www-form-urlencoded", form(fields));
    }

    HttpResponse<String> subscribe(String email) {
        return postForm("/subscribe", Map.of("email", email, "topics", "", "website", ""));
    }

    HttpResponse<String> api(String method, String path, String body) {
        return api(method, path, body, "Bearer " + ADMIN_TOKEN);
    }

    HttpResponse<String> api(String method, String path, String body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String pathOrUrl) {
        return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static Map<String, String> fields(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    // ---- data

    Subscriber add(String email, SubscriberStatus status) {
        return paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), status,
                Subscriber.Consent.byOperator(clock.instant(), "test")).orElseThrow();
    }

    Subscriber subscriber(String email) {
        return paperboy.subscribers().findByEmail(EmailAddress.parse(email)).orElseThrow();
    }

    long count(String sql) {
        return paperboy.database().withConnection(c -> {
            try (var rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Every subscriber row as text: for "the database is unchanged" assertions. */
    String snapshot() {
        return paperboy.database().withConnection(c -> {
            StringBuilder out = new StringBuilder();
            try (var rs = c.createStatement().executeQuery("select * from subscribers order by id")) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        out.append(rs.getString(i)).append('|');
                    }
                    out.append('\n');
                }
            }
            try (var rs = c.createStatement().executeQuery("select count(*) from erased_subscribers")) {
                rs.next();
                out.append("erased=").append(rs.getLong(1));
            }
            return out.toString();
        });
    }

    // ---- mail

    List<MimeMessage> mailTo(String email) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> recipient(m).equals(email)).toList();
    }

    MimeMessage awaitMail(String email, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> mailTo(email).size() >= count);
        return mailTo(email).get(count - 1);
    }

    static String text(MimeMessage message) {
        try {
            MimeMultipart multipart = (MimeMultipart) message.getContent();
            return (String) multipart.getBodyPart(0).getContent();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String html(MimeMessage message) {
        try {
            MimeMultipart multipart = (MimeMultipart) message.getContent();
            return (String) multipart.getBodyPart(1).getContent();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String link(MimeMessage message, String path) {
        Matcher m = Pattern.compile("https?://[^\\s\"<>]+/" + path + "\\?token=[A-Za-z0-9_.-]+").matcher(text(message));
        if (!m.find()) {
            throw new AssertionError("no /" + path + " link in:\n" + text(message));
        }
        return m.group();
    }

    static String recipient(Message m) {
        try {
            return m.getRecipients(Message.RecipientType.TO)[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
