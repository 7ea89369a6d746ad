package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.delivery.SendReport;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;

/** Confirm and unsubscribe links: the happy paths, one-click, and every way a link can be wrong. */
class SignedLinksTest extends WebTestBase {

    private String confirmLink(String email) {
        web.subscribe(email);
        return WebHarness.link(web.awaitMail(email, 1), "confirm");
    }

    @Test
    void confirmLinkActivatesAndRecordsTimeAndIp() {
        String link = confirmLink("ada@example.org");
        web.clock.advance(Duration.ofHours(2));

        HttpResponse<String> page = web.get(link);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("You are subscribed", "ada@example.org", web.base + "/preferences?token=");
        Subscriber s = web.subscriber("ada@example.org");
        assertThat(s.status()).isEqualTo(SubscriberStatus.ACTIVE);
        assertThat(s.consent().confirmedAt()).isEqualTo(WebHarness.START.plus(Duration.ofHours(2)));
        assertThat(s.consent().confirmedIp()).isEqualTo("127.0.0.1");
        assertThat(web.get(link).statusCode()).as("confirming twice is harmless").isEqualTo(200);
    }

    @Test
    void expiredConfirmLinkIs400WithAWayOnAndChangesNothing() {
        String link = confirmLink("ada@example.org");
        web.clock.advance(Duration.ofHours(73));
        String before = web.snapshot();

        HttpResponse<String> page = web.get(link);

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("This link has expired", "subscribe page", "href=\"" + web.base + "/\"");
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void tamperedMissingAndForeignTokensAre400AndChangeNothing() {
        String link = confirmLink("ada@example.org");
        String token = link.substring(link.indexOf("token=") + 6);
        String unsubscribeToken = web.paperboy.links().unsubscribeUrl(web.subscriber("ada@example.org").id());
        unsubscribeToken = unsubscribeToken.substring(unsubscribeToken.indexOf("token=") + 6);
        String before = web.snapshot();

        for (String bad : new String[] {
                "/confirm",
                "/confirm?token=",
                "/confirm?token=garbage",
                "/confirm?token=" + flipLastChar(token),
                "/confirm?token=" + token.substring(0, token.indexOf('.')) + "." + "A".repeat(43),
                "/confirm?token=" + unsubscribeToken,          // a valid token for another purpose
                "/unsubscribe?token=" + token,
                "/preferences?token=" + token,
                "/confirm?token=" + "x".repeat(5000)}) {
            HttpResponse<String> page = web.get(bad);
            assertThat(page.statusCode()).as(bad).isEqualTo(400);
            assertThat(page.body()).as(bad).contains("This link is not valid", "subscribe page");
        }
        assertThat(web.post("/unsubscribe?token=" + flipLastChar(token), "application/x-www-form-urlencoded",
                "List-Unsubscribe=One-Click").statusCode()).isEqualTo(400);
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void oneClickUnsubscribeExactlyAsAMailboxProviderSendsIt() throws Exception {
        web.add("ada@example.org", SubscriberStatus.ACTIVE);
        LocalDate today = LocalDate.parse("2026-11-26");
        web.paperboy.sender().send(today, SendMode.MANUAL, ProgressListener.NONE);
        MimeMessage digest = web.mailTo("ada@example.org").get(0);
        String header = digest.getHeader("List-Unsubscribe")[0];
        assertThat(digest.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
        String url = header.substring(header.indexOf('<') + 1, header.indexOf('>'));
        assertThat(url).startsWith(web.base + "/unsubscribe?token=");

        HttpResponse<String> response = web.post(url, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(response.headers().map().keySet()).doesNotContain("set-cookie");
        assertThat(response.body()).contains("You are unsubscribed");
        Subscriber s = web.subscriber("ada@example.org");
        assertThat(s.status()).isEqualTo(SubscriberStatus.UNSUBSCRIBED);
        assertThat(s.unsubscribedAt()).isEqualTo(WebHarness.START);

        String after = web.snapshot();
        HttpResponse<String> again = web.post(url, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(web.snapshot()).as("repeating it is harmless").isEqualTo(after);

        web.clock.advance(Duration.ofDays(1));
        SendReport next = web.paperboy.sender().send(today.plusDays(1), SendMode.MANUAL, ProgressListener.NONE);
        assertThat(next.sentNow()).isZero();
        assertThat(web.mailTo("ada@example.org")).hasSize(1);
    }

    @Test
    void unsubscribeGetShowsOneButtonAndChangesNothing() {
        long id = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();
        String url = web.paperboy.links().unsubscribeUrl(id);
        String before = web.snapshot();

        HttpResponse<String> page = web.get(url);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\" action=\"" + url.replace("&", "&amp;") + "\"",
                "id=\"unsubscribe\"", "ada@example.org");
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void unsubscribeLinksStillWorkAfterSixtyDaysButNotAfterTheirLifetime() {
        long id = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();
        String url = web.paperboy.links().unsubscribeUrl(id);
        web.clock.advance(Duration.ofDays(61));
        assertThat(web.get(url).statusCode()).isEqualTo(200);

        web.clock.advance(Duration.ofDays(30));
        HttpResponse<String> expired = web.post(url, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");

        assertThat(expired.statusCode()).isEqualTo(400);
        assertThat(expired.body()).contains("This link has expired");
        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.ACTIVE);
    }

    @Test
    void unsubscribeBodyOverTheLimitIs413AndChangesNothing() {
        long id = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();
        String before = web.snapshot();

        HttpResponse<String> r = web.post(web.paperboy.links().unsubscribeUrl(id), "application/x-www-form-urlencoded",
                "List-Unsubscribe=One-Click&pad=" + "x".repeat(20_000));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void aValidOneClickUnsubscribeIsNeverRateLimited() {
        long id = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();
        String url = web.paperboy.links().unsubscribeUrl(id);
        for (int i = 0; i < 50; i++) {
            assertThat(web.post(url, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click").statusCode())
                    .isEqualTo(200);
        }
        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.UNSUBSCRIBED);
    }

    @Test
    void resubscribingAfterUnsubscribingNeedsANewConfirmation() {
        long id = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();
        web.post(web.paperboy.links().unsubscribeUrl(id), "application/x-www-form-urlencoded", "");
        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.UNSUBSCRIBED);

        String link = confirmLink("ada@example.org");
        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.UNSUBSCRIBED);
        web.get(link);

        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.ACTIVE);
    }

    /** Changes one character of the signature (not the last, whose low bits base64 ignores). */
    static String flipLastChar(String token) {
        int i = token.indexOf('.') + 3;
        char c = token.charAt(i);
        return token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
    }
}
