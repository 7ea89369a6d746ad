package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Frequency;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;

class PreviewTest extends WebTestBase {

    @Test
    void needsTheAdminTokenAndInvitesABrowserToSignIn() {
        HttpResponse<String> none = web.api("GET", "/preview", null, null);
        HttpResponse<String> wrong = web.api("GET", "/preview", null, "Bearer not-the-token");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"Paperboy preview\", charset=\"UTF-8\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("Paper number 1");
    }

    @Test
    void showsTodaysDigestForASampleReaderOrOneSubscriber() {
        long id = web.paperboy.subscribers().addIfAbsent(EmailAddress.parse("ada@example.org"), SubscriberStatus.ACTIVE,
                Subscriber.Consent.byOperator(WebHarness.START, "test")).orElseThrow().id();
        web.paperboy.subscribers().updatePreferences(id, new Preferences(5, Frequency.DAILY, null, null, java.util.List.of()));
        String basic = "Basic " + Base64.getEncoder().encodeToString(("operator:" + WebHarness.ADMIN_TOKEN)
                .getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> sample = web.api("GET", "/preview", null, basic);
        HttpResponse<String> ada = web.api("GET", "/preview?subscriber=ada@example.org&format=text", null);
        HttpResponse<String> nobody = web.api("GET", "/preview?subscriber=nobody@example.org", null);

        assertThat(sample.statusCode()).isEqualTo(200);
        assertThat(sample.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(sample.body()).contains("Paper number 1", "Paper number 10", "reader@example.org").doesNotContain("Paper number 11");
        assertThat(ada.body()).contains("5. Paper number 5", "ada@example.org", "/unsubscribe?token=")
                .doesNotContain("6. Paper number 6");
        assertThat(nobody.statusCode()).isEqualTo(404);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void anEditedTemplateShowsAtOnceWithoutARestart() throws Exception {
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("templates/digest.txt"), "First version: [(${papers.size()})] papers\n");
        assertThat(web.api("GET", "/preview?format=text", null).body()).isEqualTo("First version: 10 papers\n");

        Files.writeString(dir.resolve("templates/digest.txt"), "Second version for [(${email})]\n");

        assertThat(web.api("GET", "/preview?format=text", null).body()).isEqualTo("Second version for reader@example.org\n");
    }
}
