package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;

/**
 * A confirm link sent before an unsubscribe never undoes it (link scanners open old links); a
 * person comes back by signing up again, which sends a confirm link that does work.
 */
class LeavingAndComingBackTest extends WebTestBase {

    @Test
    void anOldConfirmLinkDoesNotUndoAnUnsubscribeButANewSignUpDoes() {
        web.subscribe("ada@example.org");
        String oldLink = WebHarness.link(web.awaitMail("ada@example.org", 1), "confirm");
        web.clock.advance(Duration.ofMinutes(10));
        assertThat(web.get(oldLink).statusCode()).isEqualTo(200);
        long id = web.subscriber("ada@example.org").id();
        web.clock.advance(Duration.ofHours(1));
        assertThat(web.post(web.paperboy.links().unsubscribeUrl(id), "application/x-www-form-urlencoded",
                "List-Unsubscribe=One-Click").statusCode()).isEqualTo(200);
        Instant leftAt = web.clock.instant();
        web.clock.advance(Duration.ofHours(3)); // well within the link's 72 hours
        String before = web.snapshot();

        HttpResponse<String> scanned = web.get(oldLink);

        assertThat(scanned.statusCode()).isEqualTo(409);
        assertThat(scanned.body()).contains("You have unsubscribed", "sign up again", "href=\"" + web.base + "/\"");
        Subscriber still = web.subscriber("ada@example.org");
        assertThat(still.status()).isEqualTo(SubscriberStatus.UNSUBSCRIBED);
        assertThat(still.unsubscribedAt()).as("the opt-out record is kept").isEqualTo(leftAt);
        assertThat(web.snapshot()).isEqualTo(before);

        web.subscribe("ada@example.org");
        String newLink = WebHarness.link(web.awaitMail("ada@example.org", 2), "confirm");
        assertThat(web.get(oldLink).statusCode()).as("still refused after the new sign-up").isEqualTo(409);
        web.clock.advance(Duration.ofMinutes(1));
        assertThat(web.get(newLink).statusCode()).isEqualTo(200);

        Subscriber back = web.subscriber("ada@example.org");
        assertThat(back.status()).isEqualTo(SubscriberStatus.ACTIVE);
        assertThat(back.consent().confirmedAt()).isEqualTo(web.clock.instant());
        assertThat(back.unsubscribedAt()).as("when they last left stays on record").isEqualTo(leftAt);
    }

    @Test
    void leavingBeforeConfirmingMakesThatConfirmLinkUseless() {
        web.subscribe("ada@example.org");
        String link = WebHarness.link(web.awaitMail("ada@example.org", 1), "confirm");
        String unsubscribe = web.paperboy.links().unsubscribeUrl(web.subscriber("ada@example.org").id());
        web.clock.advance(Duration.ofMinutes(2));
        web.post(unsubscribe, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
        web.clock.advance(Duration.ofMinutes(2));

        assertThat(web.get(link).statusCode()).isEqualTo(409);
        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.UNSUBSCRIBED);
    }

    @Test
    void aPreferencesLinkFromBeforeLeavingShowsTheStatusAndCannotBringThePersonBack() {
        long id = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();
        String preferences = web.paperboy.links().preferencesUrl(id);
        web.clock.advance(Duration.ofMinutes(5));
        web.post(web.paperboy.links().unsubscribeUrl(id), "application/x-www-form-urlencoded", "");
        web.clock.advance(Duration.ofMinutes(5));

        HttpResponse<String> page = web.get(preferences);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("unsubscribed");
        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.UNSUBSCRIBED);
    }
}
