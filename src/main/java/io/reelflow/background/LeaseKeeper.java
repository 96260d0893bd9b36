package io.reelflow.background;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

/**
 * Keeps the leases of the rows a worker's threads are working on: every third of the lease it hands the ids in
 * hand to {@code renew}, so a lease runs out only when its process has died.
 */
public final class LeaseKeeper implements AutoCloseable {

    private final Set<UUID> inHand = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    public LeaseKeeper(String name, Duration lease, Consumer<Set<UUID>> renew, Logger log) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(name, r));
        long every = Math.max(1, lease.toMillis() / 3);
        timer.scheduleWithFixedDelay(() -> {
            try {
                renew.accept(Set.copyOf(inHand));
            } catch (RuntimeException e) {
                log.warnf("%s: could not renew leases: %s", name, e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code work} on row {@code id}, keeping its lease while it runs. */
    public void hold(UUID id, Runnable work) {
        inHand.add(id);
        try {
            work.run();
        } finally {
            inHand.remove(id);
        }
    }

    /** Keeps the lease of row {@code id} from now until {@link #letGo}: for work handed to another thread. */
    public void keep(UUID id) {
        inHand.add(id);
    }

    public void letGo(UUID id) {
        inHand.remove(id);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** A daemon thread named {@code name} running {@code body}, not started. */
    public static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
