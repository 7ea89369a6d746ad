package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.subscriptions.SubscriberStatus;

/** One mailbox is one subscriber whatever the case of its letters: sign-up, API, export, digest. */
class MailboxIdentityTest extends WebTestBase {

    @Test
    void oneMailboxInThreeSpellingsIsOneSubscriberOneConfirmationAndOneDigest() throws Exception {
        web.subscribe("Ada@example.org");
        web.subscribe("aDa@example.org");
        web.subscribe("ADA@example.org");
        web.subscribe("zed@example.org"); // sign-ups are handled in order: once zed has mail, all of ada's are done
        web.awaitMail("zed@example.org", 1);

        List<MimeMessage> toAda = toAnySpellingOf("ada@example.org");
        assertThat(toAda).hasSize(1);
        assertThat(WebHarness.recipient(toAda.get(0))).as("the spelling first given").isEqualTo("Ada@example.org");
        assertThat(web.count("select count(*) from subscribers where lower(email) = 'ada@example.org'")).isEqualTo(1);

        web.clock.advance(Duration.ofMinutes(5));
        web.get(WebHarness.link(toAda.get(0), "confirm"));
        assertThat(web.subscriber("ADA@EXAMPLE.ORG").status()).isEqualTo(SubscriberStatus.ACTIVE);
        web.paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL, ProgressListener.NONE);
        assertThat(toAnySpellingOf("ada@example.org")).as("confirmation and one digest").hasSize(2);

        HttpResponse<String> again = web.api("POST", "/api/subscribers", "{\"email\": \"aDA@EXAMPLE.org\", \"status\": \"active\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        HttpResponse<String> export = web.api("GET", "/api/subscribers/ada@example.org/export", null);
        assertThat(export.statusCode()).isEqualTo(200);
        JsonNode subscriber = new ObjectMapper().readTree(export.body()).get("subscriber");
        assertThat(subscriber.get("email").asText()).isEqualTo("Ada@example.org");
        assertThat(subscriber.get("deliveries")).hasSize(1);
    }

    @Test
    void theAddressBudgetOfTheFormCountsEverySpellingOfOneMailbox() {
        String[] spellings = {"ada@example.org", "Ada@example.org", "aDa@example.org", "adA@example.org", "ADa@example.org"};
        for (String spelling : spellings) {
            assertThat(web.subscribe(spelling).statusCode()).isEqualTo(200);
        }

        assertThat(web.subscribe("ADA@example.org").statusCode()).isEqualTo(429);
        assertThat(web.subscribe("bob@example.org").statusCode()).isEqualTo(200);
    }

    private List<MimeMessage> toAnySpellingOf(String address) {
        return Arrays.stream(web.greenMail.getReceivedMessages())
                .filter(m -> WebHarness.recipient(m).equalsIgnoreCase(address)).toList();
    }
}
