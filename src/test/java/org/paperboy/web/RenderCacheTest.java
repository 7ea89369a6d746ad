package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;

/** Edition pages, the feed and the start page served from the render cache, with conditional requests. */
class RenderCacheTest extends WebTestBase {

    final LocalDate today = LocalDate.parse("2026-11-26");

    HttpResponse<String> get(String path, String header, String value) {
        return web.send(HttpRequest.newBuilder(web.uri(path)).header(header, value).GET().build());
    }

    @Test
    void editionPageCarriesValidatorsAndAnswersConditionalRequestsWith304() {
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);

        HttpResponse<String> first = web.get("/editions/2026-11-26");

        assertThat(first.statusCode()).isEqualTo(200);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();
        assertThat(etag).matches("\"[A-Za-z0-9_-]+\"");
        assertThat(first.headers().firstValue("Cache-Control")).contains("public, max-age=300");
        HttpResponse<String> same = get("/editions/2026-11-26", "If-None-Match", etag);
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(same.headers().firstValue("ETag")).contains(etag);
        assertThat(get("/editions/2026-11-26", "If-None-Match", "\"other\", W/" + etag).statusCode()).isEqualTo(304);
        assertThat(get("/editions/2026-11-26", "If-None-Match", "*").statusCode()).isEqualTo(304);
        assertThat(get("/editions/2026-11-26", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
        assertThat(get("/editions/2026-11-26", "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
        String before = DateTimeFormatter.RFC_1123_DATE_TIME.format(WebHarness.START.minus(Duration.ofDays(1))
                .atZone(ZoneOffset.UTC));
        assertThat(get("/editions/2026-11-26", "If-Modified-Since", before).statusCode()).isEqualTo(200);
        assertThat(get("/editions/2026-11-26", "If-Modified-Since", "Thu, 32 Foo 2026 25:00:00 GMT").statusCode()).isEqualTo(200);
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)
        HttpResponse<String> both = web.send(HttpRequest.newBuilder(web.uri("/editions/2026-11-26"))
                .header("If-None-Match", "\"other\"").header("If-Modified-Since", lastModified).GET().build());
        assertThat(both.statusCode()).isEqualTo(200);
        assertThat(both.body()).isEqualTo(first.body());
    }

    @Test
    void aSentEditionIsRenderedOnceAndNotFromTodaysPaperRows() {
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);
        web.clock.advance(RenderCache.CHECK_EVERY);
        String first = web.get("/editions/2026-11-26").body();
        assertThat(first).contains("Paper number 1");

        // a later ingest renames the paper; the cached page stays what it was
        web.paperboy.papers().upsert(List.of(SamplePapers.paper("2611.00001", "Renamed later", 490, 7, 1,
                WebHarness.START.minus(Duration.ofHours(1)))));
        web.clock.advance(Duration.ofSeconds(5));

        assertThat(web.get("/editions/2026-11-26").body()).isEqualTo(first);
    }

    @Test
    void aMissingEditionIsNotCached() {
        assertThat(web.get("/editions/2026-11-26").statusCode()).isEqualTo(404);
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);

        assertThat(web.get("/editions/2026-11-26").statusCode()).isEqualTo(200);
    }

    @Test
    void aNewEditionChangesTheFeedAndTheStartPageWithinASecond() {
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);
        HttpResponse<String> feed = web.get("/feed.xml");
        HttpResponse<String> home = web.get("/");
        assertThat(home.headers().firstValue("Cache-Control")).contains("no-cache");
        assertThat(feed.body()).doesNotContain("/editions/2026-11-27");
        String feedTag = feed.headers().firstValue("ETag").orElseThrow();
        String homeTag = home.headers().firstValue("ETag").orElseThrow();

        web.clock.advance(Duration.ofDays(1));
        web.paperboy.sender().send(today.plusDays(1), SendMode.MANUAL, ProgressListener.NONE);
        web.clock.advance(RenderCache.CHECK_EVERY);

        HttpResponse<String> newFeed = get("/feed.xml", "If-None-Match", feedTag);
        HttpResponse<String> newHome = get("/", "If-None-Match", homeTag);
        assertThat(newFeed.statusCode()).isEqualTo(200);
        assertThat(newFeed.body()).contains("/editions/2026-11-27");
        assertThat(newHome.statusCode()).isEqualTo(200);
        assertThat(newHome.body()).contains("/editions/2026-11-27");
        assertThat(newHome.headers().firstValue("ETag")).isNotEqualTo(homeTag);
    }

    @Test
    void aTemplateEditShowsWithinASecond() throws Exception {
        assertThat(web.get("/").body()).doesNotContain("Our own start page");
        Path pagesDir = dir.resolve("templates/pages");
        Files.createDirectories(pagesDir);
        Files.writeString(pagesDir.resolve("subscribe.html"), "<html><body><p>Our own start page</p></body></html>");
        web.clock.advance(RenderCache.CHECK_EVERY);

        assertThat(web.get("/").body()).contains("Our own start page");
    }

    @Test
    void memoryIsBoundedByTheBytesHeld() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
        RenderCache cache = new RenderCache(() -> "same", 200_000, clock);
        AtomicInteger renders = new AtomicInteger();
        String body = "x".repeat(10_000);
        for (int i = 0; i < 100; i++) {
            cache.get("page " + i, () -> {
                renders.incrementAndGet();
                return new RenderCache.Page(body, "text/plain", "no-cache");
            });
        }
        cache.cache().cleanUp();

        assertThat(renders.get()).isEqualTo(100);
        assertThat(cache.cache().policy().eviction().orElseThrow().weightedSize().orElseThrow()).isLessThanOrEqualTo(200_000);
        assertThat(cache.cache().estimatedSize()).isBetween(1L, 20L);
    }
}
