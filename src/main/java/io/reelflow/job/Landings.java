package io.reelflow.job;

import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.opentelemetry.context.Context;
import io.reelflow.background.LeaseKeeper;
import io.reelflow.background.MediaThreads;
import io.reelflow.config.ReelflowConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The threads that land finished videos: download, probe, poster, the look check, content credentials, upload.
 * That is the pipeline's heaviest work, so it runs apart from the job worker's threads, at the lowest thread
 * priority: a decision, a create call or a status poll never waits for a core behind a landing, and a landing
 * takes whatever CPU they leave (all of it, most of the time). A worker hands a finished job over with its lease,
 * in the transaction that records it finished, only when a landing thread is free; otherwise the job waits in
 * {@code DOWNLOADING} and is claimed again when one is.
 *
 * <p>The operating system sees the lower priority only with the service's JVM options ({@link MediaThreads}: nice
 * 19); without them the threads run at the normal priority and everything else here is the same.
 */
@ApplicationScoped
public class Landings {

    private static final Logger LOG = Logger.getLogger(Landings.class);

    /** The landing of one handed-over job, run as {@code owner}, the lease's new holder. */
    @FunctionalInterface
    public interface Landing {
        void land(String owner);
    }

    /** Records the job finished and moves its lease to {@code lander}, in one transaction. */
    @FunctionalInterface
    public interface HandOver {
        void to(String lander);
    }

    private final int threads;
    private final JobSignals signals;
    private final Semaphore free;
    private final AtomicLong handed = new AtomicLong();
    private volatile ExecutorService pool;
    private volatile LeaseKeeper leases;

    public Landings(ReelflowConfig config, JobSignals signals) {
        this.threads = Math.max(1, config.worker().landingThreads());
        this.signals = signals;
        this.free = new Semaphore(0);
    }

    /** Starts the landing threads; their leases are kept by the worker's {@code leases}. */
    void start(LeaseKeeper leases) {
        this.leases = leases;
        this.pool = Executors.newFixedThreadPool(threads, r -> MediaThreads.after("job-landing", r));
        free.release(threads);
    }

    /** Stops taking landings and waits up to {@code millis} for those under way. */
    void stop(long millis) throws InterruptedException {
        ExecutorService running = pool;
        if (running == null) {
            return;
        }
        free.drainPermits();
        running.shutdown();
        if (!running.awaitTermination(Math.max(1, millis), TimeUnit.MILLISECONDS)) {
            LOG.warn("landings still under way at shutdown; their leases are given back");
        }
    }

    /** Whether a landing thread is free now (a worker then claims finished jobs waiting to be landed). */
    boolean anyFree() {
        return free.availablePermits() > 0;
    }

    /**
     * Hands job {@code id}, held by the worker thread {@code owner}, to a free landing thread: {@code handOver}
     * moves the lease to the landing thread's name, then {@code landing} runs there. Returns false, having done
     * nothing, when no landing thread is free.
     */
    boolean handOver(UUID id, String owner, HandOver handOver, Landing landing) {
        if (!free.tryAcquire()) {
            return false;
        }
        String lander = owner.substring(0, owner.lastIndexOf('/') + 1) + "l" + handed.incrementAndGet();
        try {
            handOver.to(lander);
            Runnable work = Context.current().wrap(() -> leases.hold(id, () -> landing.land(lander)));
            pool.execute(() -> {
                try {
                    work.run();
                } finally {
                    free.release();
                    // A finished job that found every landing thread busy may be claimed now.
                    signals.wake();
                }
            });
            return true;
        } catch (RuntimeException e) {
            free.release();
            throw e;
        }
    }
}
