package io.reelflow.job;

import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * priority ({@link MediaThreads}): a decision, a create call or a status poll never waits for a core behind a
 * landing, and a landing takes whatever CPU they leave (all of it, most of the time). A worker hands a finished
 * job over with its lease, in the transaction that records it finished, while there is room: one landing under
 * way per thread and one more waiting for each. Without room the job waits in {@code DOWNLOADING}, claimed again
 * when there is.
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
    /** Room for landings taken on: under way or waiting for a thread. */
    private final Semaphore room = new Semaphore(0);
    private final AtomicLong handed = new AtomicLong();
    /** Whether a finished job may have been turned away for want of room since a landing last ended. */
    private final AtomicBoolean turnedAway = new AtomicBoolean();
    private volatile ThreadPoolExecutor pool;
    private volatile LeaseKeeper leases;

    public Landings(ReelflowConfig config, JobSignals signals) {
        this.threads = Math.max(1, config.worker().landingThreads());
        this.signals = signals;
    }

    /** Starts the landing threads; {@code leases} keeps the leases of the jobs handed over. */
    void start(LeaseKeeper leases) {
        this.leases = leases;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> MediaThreads.after("job-landing", r));
        room.release(2 * threads);
    }

    /** Stops taking landings and waits up to {@code millis} for those under way. */
    void stop(long millis) throws InterruptedException {
        ThreadPoolExecutor running = pool;
        if (running == null) {
            return;
        }
        room.drainPermits();
        // Landings not started yet are dropped (their jobs' leases are given back with the worker's); those under
        // way may finish.
        running.getQueue().clear();
        running.shutdown();
        if (!running.awaitTermination(Math.max(1, millis), TimeUnit.MILLISECONDS)) {
            LOG.warn("landings still under way at shutdown; their leases are given back");
        }
    }

    /** Whether a finished job would be taken now (a worker then claims finished jobs waiting to be landed). */
    boolean hasRoom() {
        if (room.availablePermits() > 0) {
            return true;
        }
        turnedAway.set(true);
        return false;
    }

    /**
     * Hands job {@code id}, held by the worker thread {@code owner}, to the landing threads: {@code handOver}
     * moves the lease to a name of theirs, then {@code landing} runs on one of them. Returns false, having done
     * nothing, when there is no room.
     */
    boolean handOver(UUID id, String owner, HandOver handOver, Landing landing) {
        if (!room.tryAcquire()) {
            turnedAway.set(true);
            return false;
        }
        String lander = owner.substring(0, owner.lastIndexOf('/') + 1) + "l" + handed.incrementAndGet();
        try {
            handOver.to(lander);
        } catch (RuntimeException e) {
            room.release();
            throw e;
        }
        leases.keep(id);
        Runnable work = Context.current().wrap(() -> landing.land(lander));
        try {
            pool.execute(() -> {
                try {
                    work.run();
                } finally {
                    done(id);
                }
            });
        } catch (RejectedExecutionException e) {
            // Stopping: the lease is given back with the worker's.
            done(id);
        }
        return true;
    }

    private void done(UUID id) {
        leases.letGo(id);
        room.release();
        // A finished job that found no room may be claimed now: one worker looks (one landing's room). When none
        // was turned away, nobody is woken: a claim that finds nothing is a transaction for nothing.
        if (turnedAway.getAndSet(false)) {
            signals.wakeOne();
        }
    }
}
