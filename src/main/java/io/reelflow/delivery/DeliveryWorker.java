package io.reelflow.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.reelflow.background.LeaseKeeper;
import io.reelflow.background.MediaThreads;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.persistence.Transient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The delivery worker: {@code reelflow.delivery.threads} threads, each claiming one due placement file at a time
 * and making it. It runs where the job worker runs ({@code reelflow.worker.enabled}), under the same instance name.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);

    private final ReelflowConfig.Delivery config;
    private final boolean enabled;
    private final String instance;
    private final DeliveryQueue queue;
    private final Delivery delivery;
    private final DeliveryRender render;
    private final List<Thread> threads = new ArrayList<>();
    private LeaseKeeper leases;
    private volatile boolean running;

    public DeliveryWorker(ReelflowConfig config, DeliveryQueue queue, Delivery delivery, DeliveryRender render,
            io.reelflow.job.JobWorker jobWorker) {
        this.config = config.delivery();
        this.enabled = config.worker().enabled();
        this.instance = jobWorker.instance() + "/delivery";
        this.queue = queue;
        this.delivery = delivery;
        this.render = render;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        running = true;
        leases = new LeaseKeeper("delivery-lease-keeper", config.lease(),
                ids -> queue.renew(ids, instance, config.lease()), LOG);
        for (int i = 0; i < config.threads(); i++) {
            String owner = instance + "/d" + i;
            // Placement files are minutes of FFmpeg work: they take the cores decisions and create calls leave.
            Thread thread = MediaThreads.after("delivery-" + i, () -> loop(owner));
            threads.add(thread);
            thread.start();
        }
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        queue.wake();
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(5_000);
        }
        leases.close();
        int released = queue.release(instance);
        LOG.infof("delivery worker stopped; %d leases given back", released);
    }

    private void loop(String owner) {
        while (running) {
            try {
                Optional<UUID> claimed = queue.claim(owner, config.lease());
                if (claimed.isEmpty()) {
                    queue.await(config.idlePoll());
                    continue;
                }
                UUID id = claimed.get();
                leases.hold(id, () -> make(id, owner));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("delivery worker: %s; waiting", Transient.isTransient(e) ? e.getMessage() : e.toString());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void make(UUID id, String owner) {
        DeliveryTask task = delivery.task(id);
        long started = System.nanoTime();
        DeliveryTask.Made made;
        try {
            made = render.make(task);
        } catch (Exception e) {
            if (!running) {
                return; // stopping: the lease is given back and another worker makes the file
            }
            LOG.warnf("%s: could not make the file: %s", task.label(), e.toString());
            delivery.failed(id, owner, e.getMessage() == null ? e.toString() : e.getMessage(), config.maxAttempts());
            return;
        }
        delivery.delivered(id, owner, made);
        LOG.infof("%s: %dx%d, %.2f s, %s LUFS, %s dBTP, %d pass(es) in %d ms", task.label(), made.width(),
                made.height(), made.seconds(), decibels(made.integratedLufs()), decibels(made.truePeakDbtp()),
                made.passes(), (System.nanoTime() - started) / 1_000_000);
    }

    private static String decibels(Double value) {
        return value == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
