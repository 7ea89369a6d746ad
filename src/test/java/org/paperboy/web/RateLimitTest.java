package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.subscriptions.SubscriberStatus;

/**
 * The budgets of the public pages, over a real HTTP server: failures are charged, valid signed
 * requests are not, and a client is known by the rightmost address that a trusted proxy saw.
 */
class RateLimitTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    WebHarness web;

    @AfterEach
    void stop() {
        if (web != null) {
            web.close();
        }
    }

    private HttpResponse<String> subscribeFrom(String forwardedFor, String email) {
        return web.send(HttpRequest.newBuilder(web.uri("/subscribe"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString(WebHarness.form(Map.of("email", email, "website", ""))))
                .build());
    }

    private HttpResponse<String> garbageUnsubscribeFrom(String forwardedFor) {
        return web.send(HttpRequest.newBuilder(web.uri("/unsubscribe?token=garbage"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
    }

    @Test
    void aValidOneClickUnsubscribeWorksAfterAThousandGarbagePostsFromTheSameAddress() {
        web = WebHarness.start(dir, greenMail);
        long ada = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();

        int refused = 0;
        for (int i = 0; i < 1_100; i++) {
            int status = web.post("/unsubscribe?token=garbage-" + i, "application/x-www-form-urlencoded",
                    "List-Unsubscribe=One-Click").statusCode();
            assertThat(status).isIn(400, 429);
            refused += status == 429 ? 1 : 0;
        }
        HttpResponse<String> valid = web.post(web.paperboy.links().unsubscribeUrl(ada),
                "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");

        assertThat(refused).as("garbage beyond the failure budget is refused").isPositive();
        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.UNSUBSCRIBED);
        // and again, as a mailbox provider retrying would
        assertThat(web.post(web.paperboy.links().unsubscribeUrl(ada), "application/x-www-form-urlencoded",
                "List-Unsubscribe=One-Click").statusCode()).isEqualTo(200);
    }

    @Test
    void validPreferencesSavesAreNotChargedToTheClientAndGarbageIs() {
        web = WebHarness.start(dir, greenMail);
        long ada = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();
        for (int i = 0; i < 1_100; i++) {
            if (web.postForm("/preferences?token=garbage-" + i, Map.of("digest_size", "5")).statusCode() == 429) {
                break;
            }
        }
        assertThat(web.postForm("/preferences?token=garbage", Map.of("digest_size", "5")).statusCode()).isEqualTo(429);

        String page = web.get(web.paperboy.links().preferencesUrl(ada)).body();
        String csrf = page.replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
        HttpResponse<String> saved = web.postForm(web.paperboy.links().preferencesUrl(ada),
                Map.of("csrf", csrf, "digest_size", "7"));

        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(web.subscriber("ada@example.org").preferences().digestSize()).isEqualTo(7);
    }

    @Test
    void forwardedForFromAPeerThatIsNotATrustedProxyIsIgnored() {
        web = WebHarness.start(dir, greenMail);
        for (int i = 0; i < WebLimits.DEFAULT.subscribePerIp(); i++) {
            assertThat(subscribeFrom("203.0.113." + i, "person" + i + "@example.org").statusCode()).isEqualTo(200);
        }

        assertThat(subscribeFrom("198.51.100.1", "one-more@example.org").statusCode()).isEqualTo(429);
    }

    @Test
    void behindATrustedProxyEachClientHasItsOwnBudgetKeyedOnTheRightmostUntrustedAddress() {
        web = WebHarness.start(dir, greenMail, WebLimits.DEFAULT, Map.of("TRUSTED_PROXIES", "127.0.0.1,10.0.0.0/8"));
        for (int i = 0; i < WebLimits.DEFAULT.subscribePerIp(); i++) {
            assertThat(subscribeFrom("203.0.113.5, 10.1.2.3", "person" + i + "@example.org").statusCode())
                    .isEqualTo(200);
        }

        // the client may write anything on the left; the address our proxies saw is what counts
        assertThat(subscribeFrom("198.51.100.9, 203.0.113.5", "spoof@example.org").statusCode()).isEqualTo(429);
        assertThat(subscribeFrom("203.0.113.5", "again@example.org").statusCode()).isEqualTo(429);
        assertThat(subscribeFrom("203.0.113.6, 10.9.9.9", "neighbour@example.org").statusCode()).isEqualTo(200);
    }

    @Test
    void anIpv6ClientIsKnownByItsSlash64() {
        web = WebHarness.start(dir, greenMail, WebLimits.DEFAULT, Map.of("TRUSTED_PROXIES", "127.0.0.1"));
        for (int i = 0; i < WebLimits.DEFAULT.subscribePerIp(); i++) {
            assertThat(subscribeFrom("2001:db8:1:2::" + Integer.toHexString(i + 1), "person" + i + "@example.org")
                    .statusCode()).isEqualTo(200);
        }

        assertThat(subscribeFrom("2001:db8:1:2:ffff::9", "same-network@example.org").statusCode()).isEqualTo(429);
        assertThat(subscribeFrom("2001:db8:1:3::1", "next-network@example.org").statusCode()).isEqualTo(200);
    }

    @Test
    void aFullTableEvictsStrangersWithoutResettingTheCountsOfOthers() {
        WebLimits small = WebLimits.DEFAULT.withTrackedClients(200);
        web = WebHarness.start(dir, greenMail, small, Map.of("TRUSTED_PROXIES", "127.0.0.1"));
        for (int i = 0; i < small.badLinksPerIp(); i++) {
            garbageUnsubscribeFrom("203.0.113.7");
        }
        assertThat(garbageUnsubscribeFrom("203.0.113.7").statusCode()).isEqualTo(429);

        // a flood of new clients, three times what the table holds, with the first one still trying
        for (int i = 0; i < 3 * small.trackedClients(); i++) {
            assertThat(garbageUnsubscribeFrom("10." + (i / 250) + "." + (i % 250) + ".1").statusCode()).isEqualTo(400);
            if (i % 20 == 0) {
                assertThat(garbageUnsubscribeFrom("203.0.113.7").statusCode()).as("after %d", i).isEqualTo(429);
            }
        }

        assertThat(garbageUnsubscribeFrom("203.0.113.7").statusCode()).isEqualTo(429);
        web.clock.advance(small.window().plus(Duration.ofSeconds(1)));
        assertThat(garbageUnsubscribeFrom("203.0.113.7").statusCode()).isEqualTo(400);
    }
}
