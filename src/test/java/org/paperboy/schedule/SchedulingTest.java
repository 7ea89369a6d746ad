package org.paperboy.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.config.ConfigException;
import org.paperboy.delivery.Edition;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.listeners.JobListenerSupport;

class SchedulingTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    Paperboy paperboy;
    Scheduling scheduling;
    final AtomicInteger digestRuns = new AtomicInteger();

    @AfterEach
    void close() {
        if (scheduling != null) {
            scheduling.close();
        }
        if (paperboy != null) {
            paperboy.close();
        }
    }

    /** Paperboy with its digest at 07:00 Berlin time, the clock at {@code now}, two subscribers. */
    void open(MutableClock clock, String cron) throws Exception {
        paperboy = Paperboy.open(TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort())
                .with("DIGEST_CRON", cron).with("TIMEZONE", "Europe/Berlin").build(), clock);
        paperboy.papers().upsert(SamplePapers.ranked(5, clock.instant()));
        for (String email : new String[] {"ada@example.org", "alan@example.org"}) {
            paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                    Subscriber.Consent.byOperator(clock.instant(), "test"));
        }
        scheduling = paperboy.scheduling(() -> { });
        scheduling.quartz().getListenerManager().addJobListener(new JobListenerSupport() {
            @Override
            public String getName() {
                return "count-digest-runs";
            }

            @Override
            public void jobWasExecuted(JobExecutionContext context, JobExecutionException e) {
                if (context.getJobDetail().getKey().equals(Scheduling.DIGEST)) {
                    digestRuns.incrementAndGet();
                }
            }
        });
    }

    @Test
    void theCronTriggerFiresTheDigestJobThroughTheScheduler() throws Exception {
        // noon in Berlin, today: the trigger fires on the wall clock, and the edition it sends must be due by
        // the newsletter's clock, past 07:00 there, whatever the hour the test runs at (at 23:30 UTC it is
        // already tomorrow in Berlin, before its 07:00)
        MutableClock clock = new MutableClock(java.time.ZonedDateTime.now(ZoneId.of("Europe/Berlin"))
                .withHour(12).withMinute(0).withSecond(0).withNano(0).toInstant());
        open(clock, "0/1 * * * * ?");

        scheduling.start();

        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneId.of("Europe/Berlin"));
        // the listener hears of a run only after the job returned, a moment after the edition is out
        await().atMost(Duration.ofSeconds(20)).until(() -> digestRuns.get() >= 1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(paperboy.editions().find(today))
                .get().extracting(Edition::status).isEqualTo(Edition.Status.SENT));
        assertThat(greenMail.getReceivedMessages()).hasSize(2);
    }

    @Test
    void aRunMissedEarlierTodayFiresOnceOnStart() throws Exception {
        // down from 06:30 to 09:00 Berlin time: the 07:00 run was missed
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));
        open(clock, "0 0 7 * * ?");

        scheduling.start();

        LocalDate today = LocalDate.parse("2026-11-26");
        await().atMost(Duration.ofSeconds(20)).until(() -> digestRuns.get() == 1);
        // the retry tick (every minute of the wall clock) may have joined the run and be the one to
        // finish it: the edition is out once, whichever of the two marks it sent
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(paperboy.editions().find(today))
                .get().extracting(Edition::status).isEqualTo(Edition.Status.SENT));
        assertThat(greenMail.getReceivedMessages()).hasSize(2);
        // started again later the same day: the edition is out, nothing fires
        assertThat(scheduling.catchUpMissedDigest()).isFalse();
        Thread.sleep(500);
        assertThat(digestRuns.get()).isEqualTo(1);
    }

    @Test
    void aRunMissedOnAnEarlierDayIsNotFired() throws Exception {
        // down from yesterday 06:00 until today 06:30 Berlin time: yesterday's 07:00 run is gone, today's is still to come
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T05:30:00Z"));
        open(clock, "0 0 7 * * ?");

        scheduling.start();

        assertThat(scheduling.lastDigestTimeToday()).isEmpty();
        Thread.sleep(1000);
        assertThat(digestRuns.get()).isZero();
        assertThat(paperboy.editions().list(10)).isEmpty();
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aRunMissedBeforeMidnightIsDroppedTheNextMorning() throws Exception {
        // digest at 23:30; down from 23:00 until 00:15 Berlin time the next day
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T23:15:00Z"));
        open(clock, "0 30 23 * * ?");

        scheduling.start();

        assertThat(scheduling.lastDigestTimeToday()).isEmpty();
        Thread.sleep(1000);
        assertThat(digestRuns.get()).isZero();
        assertThat(paperboy.editions().list(10)).isEmpty();
    }

    @Test
    void aNodeStartingAgainKeepsTheStoredTriggerWhoseScheduleDidNotChange() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T05:30:00Z"));
        open(clock, "0 0 7 * * ?");
        org.quartz.TriggerKey digestTrigger = org.quartz.TriggerKey.triggerKey("digest", "paperboy");
        java.util.Date storedAt = scheduling.quartz().getTrigger(digestTrigger).getStartTime();
        scheduling.close();
        Thread.sleep(50);

        // another node, or this one restarted: the same schedule must not restart the trigger's clock
        scheduling = paperboy.scheduling(() -> { });

        assertThat(scheduling.quartz().getTrigger(digestTrigger).getStartTime()).isEqualTo(storedAt);
        // the retry job fires on every node, from each node's own scheduler, not once from the shared store
        assertThat(scheduling.quartz().checkExists(Scheduling.RETRY)).isFalse();
    }

    @Test
    void anInvalidCronExpressionIsAConfigurationErrorNamingTheKey() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> open(clock, "every morning"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PAPERBOY_DIGEST_CRON='every morning' is not valid");
    }
}
