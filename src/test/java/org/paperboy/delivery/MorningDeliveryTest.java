package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/** Each reader gets the edition of their own day at 07:00 where they live, once, through the scheduler's tick. */
class MorningDeliveryTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    static final Duration TICK = Duration.ofMinutes(15);
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    Paperboy paperboy;
    final List<Received> received = new ArrayList<>();
    final java.util.Set<String> seen = new java.util.HashSet<>();

    record Received(String to, Instant at, LocalDate edition, String text) {
        @Override
        public String toString() {
            return to + " got " + edition + " at " + at;
        }
    }

    @AfterEach
    void close() {
        if (paperboy != null) {
            paperboy.close();
        }
    }

    private void open() {
        paperboy = Paperboy.open(TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort())
                .with("TIMEZONE", "UTC").with("DELIVERY_TIME", "07:00")
                // the same sample papers trend every day of these tests: repeats allowed, or day two has nothing new
                .with("REPEAT_AFTER_DAYS", "1").build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(12, clock.instant()));
    }

    private void reader(String email, String zone) {
        Subscriber s = paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                Subscriber.Consent.byOperator(clock.instant(), "test")).orElseThrow();
        if (zone != null) {
            paperboy.subscribers().updatePreferences(s.id(), Preferences.DEFAULT.withTimezone(ZoneId.of(zone)));
        }
    }

    /** Ticks the scheduler from now until {@code end}, collecting what each tick delivered. */
    private void tickUntil(Instant end, Runnable beforeEachTick) throws Exception {
        MorningDelivery morning = paperboy.morningDelivery();
        for (Instant t = clock.instant(); t.isBefore(end); t = t.plus(TICK)) {
            clock.set(t);
            beforeEachTick.run();
            morning.sendDue();
            // GreenMail lists messages by mailbox, not by arrival: new ones are told by their Message-ID
            for (MimeMessage m : greenMail.getReceivedMessages()) {
                if (!seen.add(m.getMessageID())) {
                    continue;
                }
                String text = (String) ((MimeMultipart) m.getContent()).getBodyPart(0).getContent();
                received.add(new Received(m.getAllRecipients()[0].toString(), t,
                        LocalDate.parse(m.getHeader("X-Paperboy-Edition")[0]), text));
            }
        }
    }

    private List<Received> to(String email) {
        return received.stream().filter(r -> r.to().equals(email)).toList();
    }

    private Instant when(String email, String edition) {
        return to(email).stream().filter(r -> r.edition().equals(LocalDate.parse(edition))).findFirst()
                .orElseThrow().at();
    }

    /** Exactly one digest on each of {@code days}, the edition of that local day, at 07:00 there (within a tick). */
    private void assertOneAtSevenEachDay(String email, ZoneId zone, List<LocalDate> days) {
        List<Received> mine = to(email);
        Map<LocalDate, List<Received>> byLocalDay = mine.stream()
                .collect(Collectors.groupingBy(r -> LocalDate.ofInstant(r.at(), zone)));
        assertThat(byLocalDay.values()).as("%s: at most one digest per local day", email)
                .allSatisfy(list -> assertThat(list).hasSize(1));
        for (LocalDate day : days) {
            assertThat(byLocalDay).as("%s on %s", email, day).containsKey(day);
            Received r = byLocalDay.get(day).get(0);
            assertThat(r.edition()).as("%s: the edition of its own day", email).isEqualTo(day);
            LocalTime local = ZonedDateTime.ofInstant(r.at(), zone).toLocalTime();
            assertThat(local).as("%s on %s", email, day).isBetween(LocalTime.of(7, 0), LocalTime.of(7, 14));
        }
    }

    @Test
    void readersFromHonoluluToKiritimatiGetTheirDigestAtSevenLocalOnEachOfThreeDays() throws Exception {
        // 10:30 UTC: the mornings of UTC and Kolkata have passed (they get 1 March at once), the others' are ahead
        clock.set(Instant.parse("2026-03-01T10:30:00Z"));
        open();
        reader("honolulu@example.org", "Pacific/Honolulu");
        reader("utc@example.org", null);
        reader("kolkata@example.org", "Asia/Kolkata");
        reader("kiritimati@example.org", "Pacific/Kiritimati");
        boolean[] late = {false};

        // from the first morning of 2 March (Kiritimati, 17:00 UTC on 1 March) to past the last of 4 March (Honolulu)
        tickUntil(Instant.parse("2026-03-05T00:00:00Z"), () -> {
            // a paper that starts trending after the edition of 2 March was frozen, before Honolulu's morning
            if (!late[0] && clock.instant().equals(Instant.parse("2026-03-01T20:00:00Z"))) {
                paperboy.papers().upsert(List.of(SamplePapers.paper("2603.99999", "Late breaking paper", 5000, 0, 1,
                        clock.instant())));
                late[0] = true;
            }
        });

        List<LocalDate> days = List.of(LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-03"),
                LocalDate.parse("2026-03-04"));
        assertOneAtSevenEachDay("honolulu@example.org", ZoneId.of("Pacific/Honolulu"), days);
        assertOneAtSevenEachDay("utc@example.org", ZoneId.of("UTC"), days);
        assertOneAtSevenEachDay("kolkata@example.org", ZoneId.of("Asia/Kolkata"), days);
        assertOneAtSevenEachDay("kiritimati@example.org", ZoneId.of("Pacific/Kiritimati"), days);
        // Kiritimati's 7:00 on 2 March is 17:00 UTC on 1 March; Honolulu's is 17:00 UTC on 2 March
        assertThat(when("kiritimati@example.org", "2026-03-02")).isEqualTo(Instant.parse("2026-03-01T17:00:00Z"));
        assertThat(when("kolkata@example.org", "2026-03-02")).isEqualTo(Instant.parse("2026-03-02T01:30:00Z"));
        assertThat(when("utc@example.org", "2026-03-02")).isEqualTo(Instant.parse("2026-03-02T07:00:00Z"));
        assertThat(when("honolulu@example.org", "2026-03-02")).isEqualTo(Instant.parse("2026-03-02T17:00:00Z"));
        assertThat(to("utc@example.org").get(0).at()).as("joined after their morning: that day's edition at once")
                .isEqualTo(Instant.parse("2026-03-01T10:30:00Z"));

        // the edition of 2 March was frozen at Kiritimati's morning: everyone's copy lists the same papers
        List<String> march2 = received.stream().filter(r -> r.edition().equals(LocalDate.parse("2026-03-02")))
                .map(r -> papersIn(r.text())).distinct().toList();
        assertThat(march2).hasSize(1);
        assertThat(march2.get(0)).doesNotContain("Late breaking paper");
        assertThat(received.stream().filter(r -> r.edition().equals(LocalDate.parse("2026-03-03"))))
                .hasSize(4).allSatisfy(r -> assertThat(r.text()).contains("1. Late breaking paper"));
        assertThat(paperboy.editions().list(10)).extracting(Edition::date).contains(LocalDate.parse("2026-03-02"),
                LocalDate.parse("2026-03-03"), LocalDate.parse("2026-03-04"));
        assertThat(paperboy.editions().find(LocalDate.parse("2026-03-03")).orElseThrow().status())
                .isEqualTo(Edition.Status.SENT);
    }

    @Test
    void anEditionStaysOpenUntilTheLastReadersMorningAndOnlyThenIsSent() throws Exception {
        clock.set(Instant.parse("2026-03-01T10:30:00Z"));
        open();
        reader("kiritimati@example.org", "Pacific/Kiritimati");
        reader("honolulu@example.org", "Pacific/Honolulu");

        tickUntil(Instant.parse("2026-03-01T17:15:00Z"), () -> { });

        // 17:00 UTC is 7:00 on 2 March in Kiritimati and 7:00 on 1 March in Honolulu
        assertThat(to("kiritimati@example.org")).extracting(Received::edition).containsExactly(LocalDate.parse("2026-03-02"));
        assertThat(to("honolulu@example.org")).extracting(Received::edition).containsExactly(LocalDate.parse("2026-03-01"));
        Edition march2 = paperboy.editions().find(LocalDate.parse("2026-03-02")).orElseThrow();
        assertThat(march2.status()).as("Honolulu's morning of 2 March is still ahead").isEqualTo(Edition.Status.SENDING);
        assertThat(paperboy.editions().find(LocalDate.parse("2026-03-01")).orElseThrow().status())
                .isEqualTo(Edition.Status.SENT);

        tickUntil(Instant.parse("2026-03-02T17:15:00Z"), () -> { });

        assertThat(to("honolulu@example.org")).extracting(Received::edition)
                .containsExactly(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-02"));
        assertThat(to("kiritimati@example.org")).extracting(Received::edition)
                .containsExactly(LocalDate.parse("2026-03-02"), LocalDate.parse("2026-03-03"));
        assertThat(paperboy.editions().find(LocalDate.parse("2026-03-02")).orElseThrow().status())
                .isEqualTo(Edition.Status.SENT);
    }

    @ParameterizedTest(name = "{0} around {1}")
    @CsvSource({
            "Europe/Berlin, 2026-03-29",
            "Europe/Berlin, 2026-10-25",
            "America/New_York, 2026-03-08",
            "America/New_York, 2026-11-01"})
    void aDaylightSavingChangeStillGivesOneDigestEachDayAtSevenLocal(String zoneName, LocalDate change)
            throws Exception {
        clock.set(change.minusDays(2).atStartOfDay(ZoneId.of("UTC")).toInstant());
        open();
        ZoneId zone = ZoneId.of(zoneName);
        reader("reader@example.org", zoneName);

        tickUntil(change.plusDays(3).atStartOfDay(ZoneId.of("UTC")).toInstant(), () -> { });

        assertOneAtSevenEachDay("reader@example.org", zone,
                List.of(change.minusDays(1), change, change.plusDays(1), change.plusDays(2)));
        // the offset did change in between: the two 7:00s are not 24 hours apart in UTC
        List<Received> mine = to("reader@example.org");
        assertThat(Duration.between(mine.get(0).at(), mine.get(mine.size() - 1).at()))
                .isNotEqualTo(Duration.ofDays(mine.size() - 1));
    }

    private static String papersIn(String text) {
        return text.lines().filter(line -> line.matches("\\d+\\. .*")).collect(Collectors.joining("\n"));
    }
}
