package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.paperboy.web.WebHarness.fields;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.subscriptions.Frequency;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.SubscriberStatus;

class PreferencesTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    WebHarness web;
    long ada;
    String url;

    @BeforeEach
    void start() {
        web = WebHarness.start(dir, greenMail);
        ada = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();
        url = web.paperboy.links().preferencesUrl(ada);
    }

    @AfterEach
    void stop() {
        web.close();
    }

    private String csrf(String page) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).as("csrf field in page").isTrue();
        return m.group(1);
    }

    private HttpResponse<String> save(String csrf, String... pairs) {
        Map<String, String> form = fields(pairs);
        if (csrf != null) {
            form.put("csrf", csrf);
        }
        return web.postForm(url, form);
    }

    @Test
    void pageShowsCurrentValuesInLabelledFields() {
        HttpResponse<String> page = web.get(url);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.body()).contains("ada@example.org", "<label for=\"digest_size\">",
                "<label for=\"paused_until\">", "<label for=\"topics\">", "<legend>How often</legend>", "for=\"weekly_day\"",
                "Default (10 papers)", "type=\"hidden\" name=\"csrf\"");
    }

    @Test
    void savedValuesAreStoredAndShownBack() {
        String csrf = csrf(web.get(url).body());

        HttpResponse<String> saved = save(csrf, "digest_size", "7", "frequency", "weekly", "weekly_day", "FRIDAY",
                "paused_until", "2026-12-24", "topics", "robotics,  Vision , robotics");

        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(saved.body()).contains("Your preferences are saved", "weekly, on Fridays", "2026-12-24",
                "robotics, Vision", "<option value=\"7\" selected=\"selected\">7</option>",
                "value=\"2026-12-24\"", "value=\"FRIDAY\" selected=\"selected\"");
        Preferences p = web.subscriber("ada@example.org").preferences();
        assertThat(p).isEqualTo(new Preferences(7, Frequency.WEEKLY, DayOfWeek.FRIDAY, LocalDate.parse("2026-12-24"),
                List.of("robotics", "Vision")));
        assertThat(web.get(url).body()).contains("<option value=\"7\" selected=\"selected\">7</option>");
    }

    @Test
    void aTimeZoneIsChosenFromTheListAndAnUnknownOneSavesNothing() {
        String page = web.get(url).body();
        assertThat(page).contains("<label for=\"timezone\">", "<select id=\"timezone\" name=\"timezone\">",
                "<option value=\"\" selected=\"selected\">The newsletter&#39;s (UTC)</option>",
                "<option value=\"Asia/Kolkata\">Asia/Kolkata</option>",
                "<option value=\"Pacific/Kiritimati\">Pacific/Kiritimati</option>");

        HttpResponse<String> saved = save(csrf(page), "digest_size", "7", "timezone", "Asia/Kolkata");
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(saved.body()).contains("<option value=\"Asia/Kolkata\" selected=\"selected\">Asia/Kolkata</option>");
        assertThat(web.subscriber("ada@example.org").preferences().timezone()).isEqualTo(java.time.ZoneId.of("Asia/Kolkata"));

        HttpResponse<String> refused = save(csrf(saved.body()), "digest_size", "9", "timezone", "Mars/Olympus_Mons");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Nothing was saved", "Choose a time zone from the list.");
        Preferences kept = web.subscriber("ada@example.org").preferences();
        assertThat(kept.digestSize()).isEqualTo(7);
        assertThat(kept.timezone()).isEqualTo(java.time.ZoneId.of("Asia/Kolkata"));

        HttpResponse<String> back = save(csrf(refused.body()), "digest_size", "7", "timezone", "");
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(web.subscriber("ada@example.org").preferences().timezone()).isNull();
    }

    @Test
    void theDigestHonoursSizeWeeklyDayAndPause() {
        long weeklyOtherDay = web.add("monday@example.org", SubscriberStatus.ACTIVE).id();
        long paused = web.add("paused@example.org", SubscriberStatus.ACTIVE).id();
        String csrf = csrf(web.get(url).body());
        // the test clock's day is a Thursday
        assertThat(save(csrf, "digest_size", "5", "frequency", "weekly", "weekly_day", "THURSDAY").statusCode())
                .isEqualTo(200);
        web.paperboy.subscribers().updatePreferences(weeklyOtherDay,
                new Preferences(null, Frequency.WEEKLY, DayOfWeek.MONDAY, null, List.of()));
        web.paperboy.subscribers().updatePreferences(paused,
                new Preferences(null, Frequency.DAILY, null, LocalDate.parse("2026-11-28"), List.of()));

        web.paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL, ProgressListener.NONE);

        assertThat(web.mailTo("monday@example.org")).isEmpty();
        assertThat(web.mailTo("paused@example.org")).isEmpty();
        String text = WebHarness.text(web.mailTo("ada@example.org").get(0));
        assertThat(text).contains("\n5. ").doesNotContain("\n6. ");
    }

    @Test
    void missingWrongOrStaleCsrfTokenIs403AndSavesNothing() {
        String page = web.get(url).body();
        String otherCsrf = csrf(web.get(web.paperboy.links().preferencesUrl(
                web.add("eve@example.org", SubscriberStatus.ACTIVE).id())).body());
        String before = web.snapshot();

        HttpResponse<String> missing = save(null, "digest_size", "5");
        HttpResponse<String> foreign = save(otherCsrf, "digest_size", "5");
        HttpResponse<String> forged = save("1800000000.AAAA", "digest_size", "5");
        web.clock.advance(Duration.ofHours(13));
        HttpResponse<String> stale = save(csrf(page), "digest_size", "5");

        for (HttpResponse<String> r : List.of(missing, foreign, forged, stale)) {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("This form is out of date", "Nothing was saved");
        }
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void aFormTokenWithAnIssueTimeNoClockCanHoldIs403AndSavesNothing() {
        String before = web.snapshot();

        for (String forged : List.of("9223372036854775807.AAAA", "-9223372036854775808.AAAA",
                "31556889864403200.AAAA", "99999999999999999999.AAAA")) {
            HttpResponse<String> r = save(forged, "digest_size", "5");

            assertThat(r.statusCode()).as(forged).isEqualTo(403);
            assertThat(r.body()).contains("This form is out of date", "Nothing was saved");
        }
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void invalidValuesAre400WithAMessageByTheFieldAndSaveNothing() {
        String csrf = csrf(web.get(url).body());
        String before = web.snapshot();
        Object[][] cases = {
                {new String[] {"digest_size", "4"}, "Choose between 5 and 25 papers."},
                {new String[] {"digest_size", "26"}, "Choose between 5 and 25 papers."},
                {new String[] {"digest_size", "ten"}, "Choose between 5 and 25 papers."},
                {new String[] {"frequency", "hourly"}, "Choose every day or once a week."},
                {new String[] {"frequency", "weekly", "weekly_day", "Funday"}, "Choose a day of the week."},
                {new String[] {"paused_until", "soon"}, "Enter a date such as"},
                {new String[] {"paused_until", "2026-11-01"}, "Choose a date after today"},
                {new String[] {"paused_until", "2028-01-01"}, "at most a year"},
                {new String[] {"topics", "<script>alert(1)</script>"}, "Topics can contain letters"},
                {new String[] {"topics", "a,b,c,d,e,f,g,h,i,j,k"}, "at most 10 topics"},
        };
        for (Object[] c : cases) {
            String[] pairs = (String[]) c[0];
            HttpResponse<String> r = save(csrf, pairs);
            assertThat(r.statusCode()).as(String.join("=", pairs)).isEqualTo(400);
            assertThat(r.body()).as(String.join("=", pairs)).contains("Nothing was saved", (String) c[1])
                    .doesNotContain("<script>alert(1)");
        }
        assertThat(web.snapshot()).isEqualTo(before);
    }

    @Test
    void oversizedBodyIs413AndRateLimitIs429() {
        String csrf = csrf(web.get(url).body());
        String before = web.snapshot();
        HttpResponse<String> big = save(csrf, "topics", "x".repeat(9000));
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(web.snapshot()).isEqualTo(before);

        for (int i = 1; i < WebLimits.DEFAULT.preferencesPerSubscriber(); i++) {
            assertThat(save(csrf, "digest_size", "6").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = save(csrf, "digest_size", "8");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(web.subscriber("ada@example.org").preferences().digestSize()).isEqualTo(6);
    }
}
