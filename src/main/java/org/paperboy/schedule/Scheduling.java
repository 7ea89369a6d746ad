package org.paperboy.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.text.ParseException;
import java.sql.Connection;
import java.sql.SQLException;
import org.paperboy.config.ConfigException;
import org.paperboy.config.SettingKey;
import org.paperboy.config.Settings;
import org.paperboy.store.Database;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.JobListener;
import org.quartz.listeners.JobListenerSupport;
import org.quartz.impl.matchers.KeyMatcher;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz, set up on the application's database (JDBC job store, clustered so that several
 * {@code serve} nodes on one PostgreSQL fire each run once): the digest on
 * {@code PAPERBOY_DIGEST_CRON}, the ingest on {@code PAPERBOY_INGEST_CRON} and, when a bounce
 * mailbox is configured, the bounce poller on {@code PAPERBOY_BOUNCE_POLL_CRON}. The retry job
 * runs on {@code PAPERBOY_RETRY_CRON} in a scheduler of this node's own (in memory), so that it
 * fires on every node: each node joins an edition being sent at its next tick, and takes over
 * the claims of a node that died.
 *
 * <p>Misfire rule: Quartz itself never replays a missed digest run. On start, if the latest
 * scheduled digest time has passed today (in the newsletter's time zone) and today's edition
 * does not exist, the digest job fires once in the cluster (the first node to record the
 * catch-up in the database fires it); a run missed on an earlier day is dropped.
 */
public final class Scheduling implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Scheduling.class);

    public static final JobKey DIGEST = JobKey.jobKey("digest", "paperboy");
    public static final JobKey INGEST = JobKey.jobKey("ingest", "paperboy");
    public static final JobKey RETRY = JobKey.jobKey("retry", "paperboy");
    public static final JobKey BOUNCES = JobKey.jobKey("bounces", "paperboy");

    private final Database database;
    private final Scheduler scheduler;
    /** This node's own scheduler, for the jobs every node runs. */
    private final Scheduler local;
    private final Settings.Digest digest;
    private final Clock clock;
    private final Jobs jobs;

    /** What the jobs do, and what the catch-up rule needs to know. */
    public interface Jobs {
        void sendDigest();

        void ingest();

        void retryDeferred();

        /** Reads the bounce mailbox (does nothing when none is configured). */
        void pollBounces();

        /**
         * Whether this node fires the missed digest run of {@code date}: no edition of that date
         * exists and no other node recorded the catch-up first.
         */
        boolean claimCatchUp(LocalDate date);
    }

    private Scheduling(Database database, Scheduler scheduler, Scheduler local, Settings.Digest digest, Clock clock,
                       Jobs jobs) {
        this.database = database;
        this.scheduler = scheduler;
        this.local = local;
        this.digest = digest;
        this.clock = clock;
        this.jobs = jobs;
    }

    /**
     * Creates the scheduler in standby with the three jobs stored. Call {@link #start()} to run it.
     *
     * @throws ConfigException when a cron expression is not valid
     */
    public static Scheduling create(Database database, Settings.Digest digest, String nodeId, Clock clock, Jobs jobs) {
        return create(database, digest, null, nodeId, clock, jobs);
    }

    /**
     * As {@link #create(Database, Settings.Digest, String, Clock, Jobs)}, with the bounce poller on
     * {@code bounceCron} if not null. {@code nodeId} is this node's id in the cluster (Quartz's
     * instance id).
     */
    public static Scheduling create(Database database, Settings.Digest digest, String bounceCron, String nodeId,
                                    Clock clock, Jobs jobs) {
        CronExpression digestCron = cron(SettingKey.DIGEST_CRON, digest.cron(), digest.timezone());
        CronExpression ingestCron = cron(SettingKey.INGEST_CRON, digest.ingestCron(), digest.timezone());
        CronExpression retryCron = cron(SettingKey.RETRY_CRON, digest.retryCron(), digest.timezone());
        CronExpression bouncesCron = bounceCron == null ? null
                : cron(SettingKey.BOUNCE_POLL_CRON, bounceCron, digest.timezone());
        String dataSourceName = "paperboy-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return database.connection();
            }

            @Override
            public void shutdown() {
                // the application closes its own pool
            }

            @Override
            public void initialize() {
            }
        });
        Properties props = new Properties();
        props.setProperty("org.quartz.scheduler.instanceName", "paperboy");
        props.setProperty("org.quartz.scheduler.instanceId", nodeId);
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        props.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        props.setProperty("org.quartz.threadPool.threadCount", "3");
        props.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        props.setProperty("org.quartz.jobStore.driverDelegateClass", database.vendor() == Database.Vendor.POSTGRESQL
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        props.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        props.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        props.setProperty("org.quartz.jobStore.isClustered", "true");
        props.setProperty("org.quartz.jobStore.clusterCheckinInterval", "10000");
        props.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        try {
            StdSchedulerFactory factory = new StdSchedulerFactory(props);
            Scheduler scheduler = factory.getScheduler();
            Scheduler local = localScheduler(nodeId);
            Map<JobKey, Runnable> actions = Map.of(DIGEST, jobs::sendDigest, INGEST, jobs::ingest,
                    RETRY, jobs::retryDeferred, BOUNCES, jobs::pollBounces);
            for (Scheduler each : java.util.List.of(scheduler, local)) {
                each.setJobFactory((bundle, s) -> {
                    JobKey key = bundle.getJobDetail().getKey();
                    Runnable action = actions.get(key);
                    if (action == null) {
                        throw new SchedulerException("no action for job " + key);
                    }
                    return new PaperboyJob(key.getName(), action);
                });
            }
            Scheduling scheduling = new Scheduling(database, scheduler, local, digest, clock, jobs);
            scheduling.store(DIGEST, CronScheduleBuilder.cronSchedule(digestCron)
                    .withMisfireHandlingInstructionDoNothing());
            scheduling.store(INGEST, CronScheduleBuilder.cronSchedule(ingestCron)
                    .withMisfireHandlingInstructionDoNothing());
            scheduler.deleteJob(RETRY); // an earlier version kept it in the shared store, where it fired on one node
            store(local, RETRY, CronScheduleBuilder.cronSchedule(retryCron).withMisfireHandlingInstructionDoNothing());
            if (bouncesCron != null) {
                scheduling.store(BOUNCES, CronScheduleBuilder.cronSchedule(bouncesCron)
                        .withMisfireHandlingInstructionDoNothing());
            } else {
                scheduler.deleteJob(BOUNCES);
            }
            return scheduling;
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot set up the scheduler: " + e.getMessage(), e);
        }
    }

    private void store(JobKey key, CronScheduleBuilder schedule) throws SchedulerException {
        store(scheduler, key, schedule);
    }

    /**
     * Stores the job with its cron trigger, unless the same schedule is stored already: replacing
     * a trigger restarts its clock, and every node of a cluster stores the jobs when it starts.
     */
    private static void store(Scheduler scheduler, JobKey key, CronScheduleBuilder schedule) throws SchedulerException {
        JobDetail job = JobBuilder.newJob(PaperboyJob.class).withIdentity(key).storeDurably().build();
        TriggerKey triggerKey = TriggerKey.triggerKey(key.getName(), key.getGroup());
        CronTrigger trigger = TriggerBuilder.newTrigger().withIdentity(triggerKey)
                .forJob(key).withSchedule(schedule).startNow().build();
        if (scheduler.getTrigger(triggerKey) instanceof CronTrigger stored && scheduler.checkExists(key)
                && stored.getCronExpression().equals(trigger.getCronExpression())
                && stored.getTimeZone().getID().equals(trigger.getTimeZone().getID())) {
            return;
        }
        scheduler.scheduleJob(job, java.util.Set.of(trigger), true);
    }

    /** An in-memory scheduler of this node's own, for the jobs that run on every node. */
    private static Scheduler localScheduler(String nodeId) throws SchedulerException {
        Properties props = new Properties();
        props.setProperty("org.quartz.scheduler.instanceName", "paperboy-node-" + UUID.randomUUID());
        props.setProperty("org.quartz.scheduler.instanceId", nodeId);
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        props.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        props.setProperty("org.quartz.threadPool.threadCount", "1");
        props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        return new StdSchedulerFactory(props).getScheduler();
    }

    /** Starts firing, after applying the misfire rule for today's digest. */
    public void start() {
        try {
            scheduler.start();
            local.start();
            catchUpMissedDigest();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the scheduler: " + e.getMessage(), e);
        }
    }

    /** Fires the digest job once now, if the misfire rule says so; returns whether it did. */
    boolean catchUpMissedDigest() throws SchedulerException {
        Optional<Instant> missed = lastDigestTimeToday();
        if (missed.isEmpty()) {
            return false;
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), digest.timezone());
        if (!jobs.claimCatchUp(today)) {
            return false;
        }
        log.info("event=digest_catch_up missed={} date={}", missed.get(), today);
        scheduler.triggerJob(DIGEST);
        return true;
    }

    /** The latest digest fire time that is at or before now and on today's date, if any. */
    Optional<Instant> lastDigestTimeToday() {
        CronExpression cron = cron(SettingKey.DIGEST_CRON, digest.cron(), digest.timezone());
        ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), digest.timezone());
        Instant startOfDay = now.toLocalDate().atStartOfDay(digest.timezone()).toInstant();
        Date next = cron.getTimeAfter(Date.from(startOfDay.minusMillis(1)));
        Instant latest = null;
        while (next != null && !next.toInstant().isAfter(now.toInstant())) {
            latest = next.toInstant();
            next = cron.getTimeAfter(next);
        }
        return Optional.ofNullable(latest);
    }

    /** Fires the digest job now, through the scheduler. */
    public void fireDigestNow() {
        try {
            scheduler.triggerJob(DIGEST);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot fire the digest job: " + e.getMessage(), e);
        }
    }

    /**
     * Fires the digest job through the scheduler and waits until a run of it has finished. A scheduler not yet
     * started is started here, and a catch-up run that the start fires (see {@link #start}) counts as that run.
     *
     * @throws IllegalStateException when the run failed or did not finish in time
     */
    public void fireDigestAndWait(Duration timeout) throws InterruptedException {
        CountDownLatch finished = new CountDownLatch(1);
        AtomicReference<JobExecutionException> failure =
                new AtomicReference<>();
        String listenerName = "wait-" + UUID.randomUUID();
        JobListener listener = new JobListenerSupport() {
            @Override
            public String getName() {
                return listenerName;
            }

            @Override
            public void jobWasExecuted(JobExecutionContext context, JobExecutionException exception) {
                failure.set(exception);
                finished.countDown();
            }
        };
        try {
            scheduler.getListenerManager().addJobListener(listener, KeyMatcher.keyEquals(DIGEST));
            // started here when it is not yet, after the listener: a catch-up run is then the run waited for, and
            // no second run is still being fired when the caller closes the scheduler (Quartz interrupts its
            // thread on shutdown, and an interrupt in the middle of a write closes an H2 file for good)
            boolean caughtUp = false;
            if (!scheduler.isStarted()) {
                scheduler.start();
                local.start();
                caughtUp = catchUpMissedDigest();
            }
            if (!caughtUp) {
                scheduler.triggerJob(DIGEST);
            }
            if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the digest job did not finish within " + timeout.toSeconds() + " s");
            }
            scheduler.getListenerManager().removeJobListener(listenerName);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot fire the digest job: " + e.getMessage(), e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the digest job failed: " + failure.get().getMessage(), failure.get());
        }
    }

    public Scheduler quartz() {
        return scheduler;
    }

    public boolean isRunning() {
        try {
            return scheduler.isStarted() && !scheduler.isShutdown() && !scheduler.isInStandbyMode()
                    && local.isStarted() && !local.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** The next time the digest job fires. */
    public Optional<Instant> nextDigest() {
        try {
            Trigger trigger = scheduler.getTrigger(TriggerKey.triggerKey(DIGEST.getName(), DIGEST.getGroup()));
            return trigger == null || trigger.getNextFireTime() == null ? Optional.empty()
                    : Optional.of(trigger.getNextFireTime().toInstant());
        } catch (SchedulerException e) {
            return Optional.empty();
        }
    }

    /** A node of the cluster as Quartz knows it: its id and its last check-in. */
    public record Node(String id, Instant lastCheckIn, Duration checkInInterval) {
    }

    /** The nodes in Quartz's cluster table, this one included, most recent check-in first. */
    public java.util.List<Node> nodes() {
        try (Connection connection = database.connection();
             java.sql.PreparedStatement ps = connection.prepareStatement("""
                     select instance_name, last_checkin_time, checkin_interval from qrtz_scheduler_state
                     where sched_name = ? order by last_checkin_time desc""")) {
            ps.setString(1, scheduler.getSchedulerName());
            java.util.List<Node> nodes = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    nodes.add(new Node(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                            Duration.ofMillis(rs.getLong(3))));
                }
            }
            return nodes;
        } catch (SQLException | SchedulerException e) {
            throw new IllegalStateException("cannot read the nodes of the cluster: " + e.getMessage(), e);
        }
    }

    /** This node's id in the cluster. */
    public String nodeId() {
        try {
            return scheduler.getSchedulerInstanceId();
        } catch (SchedulerException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Stops firing; waits for running jobs to finish. */
    @Override
    public void close() {
        try {
            local.shutdown(true);
        } catch (SchedulerException e) {
            log.warn("event=scheduler_shutdown_failed reason=\"{}\"", e.getMessage());
        }
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            log.warn("event=scheduler_shutdown_failed reason=\"{}\"", e.getMessage());
        }
    }

    static CronExpression cron(SettingKey key, String expression, ZoneId zone) {
        try {
            CronExpression cron = new CronExpression(expression);
            cron.setTimeZone(TimeZone.getTimeZone(zone));
            return cron;
        } catch (ParseException e) {
            throw new ConfigException(key.envName(), expression,
                    "a Quartz cron expression such as '0 0 7 * * ?' (" + e.getMessage() + ")");
        }
    }
}
