package org.paperboy.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.listeners.JobListenerSupport;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * Per-job figures of this node's scheduler for {@code /metrics}: when each job last finished
 * ({@code paperboy_job_last_run_timestamp_seconds}), how long its runs take
 * ({@code paperboy_job_duration_seconds}) and how many failed ({@code paperboy_job_failures_total}),
 * labelled {@code job}. Every stored job has its meters from the start, so a dashboard finds
 * them before the first run.
 */
public final class JobMetrics implements MeterBinder {

    private final Scheduler scheduler;
    private final Clock clock;
    private final Map<String, AtomicLong> lastRunMillis = new ConcurrentHashMap<>();

    public JobMetrics(Scheduler scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Set<JobKey> jobs;
        try {
            jobs = scheduler.getJobKeys(GroupMatcher.anyJobGroup());
            for (JobKey job : jobs) {
                meters(registry, job.getName());
            }
            scheduler.getListenerManager().addJobListener(new Listener(registry));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot watch the scheduler's jobs: " + e.getMessage(), e);
        }
    }

    private AtomicLong meters(MeterRegistry registry, String job) {
        return lastRunMillis.computeIfAbsent(job, name -> {
            AtomicLong last = new AtomicLong(-1);
            Gauge.builder("paperboy.job.last.run.timestamp", last, l -> l.get() < 0 ? Double.NaN : l.get() / 1000.0)
                    .description("When the job last finished on this node, successfully or not").baseUnit("seconds")
                    .tag("job", name).register(registry);
            timer(registry, name);
            failures(registry, name);
            return last;
        });
    }

    private static Timer timer(MeterRegistry registry, String job) {
        return Timer.builder("paperboy.job.duration").description("Runs of the job on this node and how long they took")
                .tag("job", job).register(registry);
    }

    private static Counter failures(MeterRegistry registry, String job) {
        return Counter.builder("paperboy.job.failures").description("Runs of the job on this node that failed")
                .tag("job", job).register(registry);
    }

    private final class Listener extends JobListenerSupport {
        private final MeterRegistry registry;

        Listener(MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public String getName() {
            return "paperboy-job-metrics";
        }

        @Override
        public void jobWasExecuted(JobExecutionContext context, JobExecutionException failure) {
            String job = context.getJobDetail().getKey().getName();
            AtomicLong last = meters(registry, job);
            timer(registry, job).record(Duration.ofMillis(Math.max(0, context.getJobRunTime())));
            if (failure != null) {
                failures(registry, job).increment();
            }
            last.set(clock.millis());
        }
    }
}
