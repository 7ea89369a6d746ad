package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.SamplePapers;
import org.w3c.dom.Document;

/** The edition web view, the Atom feed, /health and /metrics. */
class EditionsAndOperationsTest extends WebTestBase {

    final LocalDate today = LocalDate.parse("2026-11-26");

    @Test
    void sentEditionHasAWebViewLinkedFromTheEmailAndPaperTextIsEscaped() {
        web.paperboy.papers().upsert(List.of(SamplePapers.paper("2611.99999", "<script>alert('x')</script> & Friends",
                100_000, 50, 1, WebHarness.START.minus(Duration.ofMinutes(30)))));
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);
        String html = WebHarness.html(web.mailTo("ada@example.org").get(0));
        assertThat(html).contains("href=\"" + web.base + "/editions/2026-11-26\"");

        HttpResponse<String> page = web.get("/editions/2026-11-26");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Paper number 1", "Thursday, 26 November 2026",
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Friends").doesNotContain("<script>");
        assertThat(page.body()).doesNotContain("ada@example.org", "token=");
    }

    @Test
    void unknownOrMalformedEditionDatesAre404Pages() {
        assertThat(web.get("/editions/2026-11-25").statusCode()).isEqualTo(404);
        HttpResponse<String> bad = web.get("/editions/yesterday");
        assertThat(bad.statusCode()).isEqualTo(404);
        assertThat(bad.body()).contains("No edition on that date");
        HttpResponse<String> nowhere = web.get("/no/such/page");
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(nowhere.body()).contains("Page not found");
    }

    @Test
    void atomFeedListsEditionsAndParses() throws Exception {
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);
        web.clock.advance(Duration.ofDays(1));
        web.paperboy.sender().send(today.plusDays(1), SendMode.MANUAL, ProgressListener.NONE);

        HttpResponse<String> feed = web.get("/feed.xml");

        assertThat(feed.statusCode()).isEqualTo(200);
        assertThat(feed.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/atom+xml");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(feed.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("feed");
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry").getLength()).isEqualTo(2);
        assertThat(feed.body()).contains(web.base + "/editions/2026-11-27", web.base + "/editions/2026-11-26",
                "1. Paper number 1");
        assertThat(feed.body().indexOf("2026-11-27")).isLessThan(feed.body().indexOf("/editions/2026-11-26"));
    }

    @Test
    void healthReportsDatabaseSchedulerAndLastEdition() throws Exception {
        JsonNode empty = Json.MAPPER.readTree(web.get("/health").body());
        assertThat(empty.get("status").asText()).isEqualTo("ok");
        assertThat(empty.get("database").get("reachable").asBoolean()).isTrue();
        assertThat(empty.get("lastEdition").isNull()).isTrue();

        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);
        HttpResponse<String> health = web.get("/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode json = Json.MAPPER.readTree(health.body());
        assertThat(json.get("scheduler").get("present").asBoolean()).isFalse();
        assertThat(json.get("lastEdition").get("date").asText()).isEqualTo("2026-11-26");
        assertThat(json.get("lastEdition").get("status").asText()).isEqualTo("sent");
        assertThat(json.get("lastEdition").get("deliveries").get("sent").asInt()).isEqualTo(1);
    }

    @Test
    void metricsArePrometheusTextWithListAndLedgerFigures() {
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.add("alan@example.org", SubscriberStatus.ACTIVE);
        web.add("pending@example.org", SubscriberStatus.PENDING);
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);
        web.subscribe("bad address");

        HttpResponse<String> metrics = web.get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(metrics.body()).contains(
                "# TYPE paperboy_subscribers gauge",
                "paperboy_subscribers{status=\"active\"} 2.0",
                "paperboy_subscribers{status=\"pending\"} 1.0",
                "paperboy_messages{state=\"sent\"} 2.0",
                "paperboy_messages{state=\"deferred\"} 0.0",
                "paperboy_messages{state=\"failed\"} 0.0",
                "paperboy_last_edition_duration_seconds",
                "paperboy_web_signups_total{outcome=\"invalid\"} 1.0");
    }
}
