package io.reelflow.job;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.reelflow.background.LeaseKeeper;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.persistence.Transient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The job worker: {@code reelflow.worker.concurrency} threads, each claiming one due job at a time from the
 * database and advancing it one step; finished videos are landed by {@link Landings}' threads. Nothing is kept
 * in memory between steps, so a restart, a crash or a second replica loses nothing.
 */
@ApplicationScoped
public class JobWorker {

    private static final Logger LOG = Logger.getLogger(JobWorker.class);
    /** How long a stopping worker waits for steps in progress before giving its leases back. */
    public static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(20);

    private final ReelflowConfig.Worker config;
    private final JobClaims claims;
    private final JobStepper stepper;
    private final JobSignals signals;
    private final Landings landings;
    private final String owner;
    private final List<Thread> threads = new ArrayList<>();
    private LeaseKeeper leases;
    private LeaseKeeper landingLeases;
    private volatile boolean running;

    public JobWorker(ReelflowConfig config, JobClaims claims, JobStepper stepper, JobSignals signals,
            Landings landings) {
        this.config = config.worker();
        this.landings = landings;
        this.claims = claims;
        this.stepper = stepper;
        this.signals = signals;
        this.owner = this.config.instanceId().orElseGet(JobWorker::defaultInstanceId);
    }

    /** The name this instance's leases carry. */
    public String instance() {
        return owner;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("job worker disabled on this instance");
            return;
        }
        running = true;
        leases = new LeaseKeeper("job-lease-keeper", config.lease(), ids -> claims.renew(owner, ids, config.lease()),
                LOG);
        landingLeases = new LeaseKeeper("landing-lease-keeper", config.lease(),
                ids -> claims.renew(owner, ids, config.lease()), LOG);
        landings.start(landingLeases);
        for (int i = 0; i < config.concurrency(); i++) {
            String threadOwner = owner + "/w" + i;
            Thread thread = LeaseKeeper.daemon("job-worker-" + i, () -> loop(threadOwner));
            threads.add(thread);
            thread.start();
        }
        LOG.infof("job worker %s started with %d threads and %d landing threads", owner, config.concurrency(),
                config.landingThreads());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        signals.wake();
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        landings.stop((deadline - System.nanoTime()) / 1_000_000);
        landingLeases.close();
        leases.close();
        int released = claims.releaseAll(owner);
        LOG.infof("job worker %s stopped; %d leases given back", owner, released);
    }

    /** Each thread has its own lease owner name, so a thread never takes a job another thread holds. */
    private void loop(String threadOwner) {
        boolean polling = false;
        while (running) {
            try {
                long seen = signals.generation();
                JobClaims.Claim claim = claims.claim(threadOwner, 1, config.lease());
                if (claim.jobs().isEmpty()) {
                    polling = signals.awaitAfter(seen, claim.nextLook(config.idlePoll()));
                    continue;
                }
                if (polling) {
                    // The instance's poll found work: more may have fallen due with it.
                    signals.pollNow();
                    polling = false;
                }
                JobView job = claim.jobs().get(0);
                leases.hold(job.id(), () -> stepper.advance(job, threadOwner));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (Transient.isTransient(e)) {
                    LOG.warnf("job worker: database unavailable (%s); waiting", e.getMessage());
                } else {
                    LOG.error("job worker: unexpected failure", e);
                }
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
