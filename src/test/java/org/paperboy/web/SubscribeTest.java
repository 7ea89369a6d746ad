package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.paperboy.web.WebHarness.fields;

import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;

class SubscribeTest extends WebTestBase {

    @Test
    void homePageIsALabelledFormWithAHoneypotAndNoAssetsFromOtherHosts() {
        HttpResponse<String> page = web.get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
        assertThat(page.body()).contains("<html lang=\"en\"", "name=\"viewport\"",
                "<label for=\"email\">", "id=\"email\" name=\"email\"", "<label for=\"topics\">",
                "name=\"website\"", "action=\"" + web.base + "/subscribe\"");
        assertThat(page.body()).doesNotContainPattern("(src|href)=\"https?://(?!127\\.0\\.0\\.1)");
    }

    @Test
    void newAddressBecomesPendingWithConsentRecordAndReceivesAConfirmationLink() throws Exception {
        HttpResponse<String> page = web.postForm("/subscribe", fields("email", "  Ada@Example.ORG ",
                "topics", "robotics, vision", "website", ""));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Check your inbox", "Ada@example.org");
        MimeMessage mail = web.awaitMail("Ada@example.org", 1);
        assertThat(mail.getSubject()).isEqualTo("Confirm your subscription to Paperboy daily papers");
        assertThat(WebHarness.link(mail, "confirm")).startsWith(web.base + "/confirm?token=");
        assertThat(WebHarness.html(mail)).contains("href=\"" + web.base + "/confirm?token=");
        Subscriber s = web.subscriber("Ada@example.org");
        assertThat(s.status()).isEqualTo(SubscriberStatus.PENDING);
        assertThat(s.preferences().topics()).containsExactly("robotics", "vision");
        assertThat(s.consent().ip()).isEqualTo("127.0.0.1");
        assertThat(s.consent().userAgent()).startsWith("Java-http-client");
        assertThat(s.consent().source()).isEqualTo("web form");
        assertThat(s.consent().at()).isEqualTo(WebHarness.START);
        assertThat(s.consent().confirmedAt()).isNull();
    }

    @Test
    void responsesAreIdenticalForNewPendingActiveAndUnsubscribedAddresses() throws Exception {
        web.add("pending@example.org", SubscriberStatus.PENDING);
        web.add("active@example.org", SubscriberStatus.ACTIVE);
        long gone = web.add("gone@example.org", SubscriberStatus.ACTIVE).id();
        web.paperboy.subscribers().setStatus(gone, SubscriberStatus.UNSUBSCRIBED);

        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        for (String email : new String[] {"new@example.org", "pending@example.org", "active@example.org",
                "gone@example.org"}) {
            HttpResponse<String> r = web.subscribe(email);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().map().keySet()).doesNotContain("set-cookie");
            bodies.put(email, r.body().replace(email, "ADDRESS"));
        }

        assertThat(bodies.values()).allMatch(b -> b.equals(bodies.get("new@example.org")));
        // the active subscriber gets a note with fresh links instead of a confirmation
        MimeMessage note = web.awaitMail("active@example.org", 1);
        assertThat(note.getSubject()).startsWith("You are already subscribed");
        assertThat(WebHarness.text(note)).contains("/preferences?token=", "/unsubscribe?token=").doesNotContain("/confirm?");
        web.awaitMail("new@example.org", 1);
        web.awaitMail("pending@example.org", 1);
        web.awaitMail("gone@example.org", 1);
    }

    @Test
    void atMostOneConfirmationEmailPerAddressPerHour() {
        web.subscribe("ada@example.org");
        web.awaitMail("ada@example.org", 1);
        web.subscribe("ada@example.org");
        web.subscribe("ada@example.org");
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                .until(() -> web.mailTo("ada@example.org").size() == 1);

        web.clock.advance(Duration.ofMinutes(61));
        web.subscribe("ada@example.org");

        web.awaitMail("ada@example.org", 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not-an-address", "ada@", "@example.org", "ada@@example.org", "ada@example",
            "ada example@example.org", "ada@exa mple.org", "ada@example.org\r\nBcc: victim@example.org",
            "ada\n@example.org", "ada@example.org\u0000"})
    void malformedAddressesAreRefusedWithAClearMessageAndNothingStored(String email) {
        String before = web.snapshot();

        HttpResponse<String> r = web.subscribe(email);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("role=\"alert\"").containsAnyOf("Enter an email address", "email address",
                "part after @", "part before @", "line breaks", "spaces");
        assertThat(r.body()).doesNotContain("\r\nBcc");
        assertThat(web.snapshot()).isEqualTo(before);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void oversizedAddressesAreRefused() {
        String before = web.snapshot();
        String longLocal = "a".repeat(65) + "@example.org";
        String longDomain = "a".repeat(64) + "@" + ("d".repeat(50) + ".").repeat(4) + "org";

        HttpResponse<String> local = web.subscribe(longLocal);
        HttpResponse<String> domain = web.subscribe(longDomain);

        assertThat(local.statusCode()).isEqualTo(400);
        assertThat(local.body()).contains("longer than 64 characters");
        assertThat(domain.statusCode()).isEqualTo(400);
        assertThat(domain.body()).contains("at most 254 characters");
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void userInputIsEscapedWhenTheFormIsShownBack() {
        HttpResponse<String> r = web.postForm("/subscribe", fields("email", "<script>alert(1)</script>",
                "topics", "\"><img src=x>", "website", ""));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("<script>alert(1)", "<img src=x>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void idnDomainsAreAcceptedAndStoredInAsciiForm() {
        HttpResponse<String> r = web.subscribe("jose@bücher.example");

        assertThat(r.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> web.count(
                "select count(*) from subscribers where email = 'jose@xn--bcher-kva.example'") == 1);
    }

    @Test
    void honeypotSubmissionsLookAcceptedButStoreAndSendNothing() {
        String before = web.snapshot();

        HttpResponse<String> r = web.postForm("/subscribe", fields("email", "bot@example.org", "website", "http://spam"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("Check your inbox");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> web.snapshot().equals(before));
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void bodiesOverTheLimitAre413AndStoreNothing() {
        String before = web.snapshot();

        HttpResponse<String> r = web.postForm("/subscribe", fields("email", "ada@example.org",
                "topics", "x".repeat(10_000)));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("Too much data");
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void perAddressRateLimitAnswers429WithRetryAfter() {
        for (int i = 0; i < WebLimits.DEFAULT.subscribePerAddress(); i++) {
            assertThat(web.subscribe("ada@example.org").statusCode()).isEqualTo(200);
        }

        HttpResponse<String> limited = web.subscribe("ADA@example.org");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).contains("Too many requests");
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(web.subscribe("other@example.org").statusCode()).isEqualTo(200);
    }

    @Test
    void perIpRateLimitAnswers429AndStoresNothing() {
        for (int i = 0; i < WebLimits.DEFAULT.subscribePerIp(); i++) {
            assertThat(web.subscribe("person" + i + "@example.org").statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> web.count("select count(*) from subscribers")
                == WebLimits.DEFAULT.subscribePerIp());

        HttpResponse<String> limited = web.subscribe("one-more@example.org");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).contains("Please wait");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> web.count("select count(*) from subscribers where email = 'one-more@example.org'") == 0);
        web.clock.advance(Duration.ofMinutes(61));
        assertThat(web.subscribe("one-more@example.org").statusCode()).isEqualTo(200);
    }

    @Test
    void closingTheServerWaitsForConfirmationEmailsInFlight() {
        web.subscribe("last@example.org");

        web.server.close();

        assertThat(web.mailTo("last@example.org")).hasSize(1);
    }
}
