package org.paperboy.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Quartz job class: it runs the action registered under its job name. Quartz never
 * runs two executions of the same job at once, here or on another node of the cluster.
 */
@DisallowConcurrentExecution
final class PaperboyJob implements Job {

    private static final Logger log = LoggerFactory.getLogger(PaperboyJob.class);

    private final String name;
    private final Runnable action;

    PaperboyJob(String name, Runnable action) {
        this.name = name;
        this.action = action;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        long start = System.nanoTime();
        log.info("event=job_started job={} scheduled_for={}", name, context.getScheduledFireTime().toInstant());
        try {
            action.run();
            log.info("event=job_finished job={} millis={}", name, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            log.error("event=job_failed job={} reason=\"{}\"", name, e.getMessage(), e);
            throw new JobExecutionException(e.getMessage(), e, false);
        }
    }
}
