package io.reelflow.background;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** A poller's doorbell: {@link #await} returns early when {@link #ring} was called since the last wait. */
public final class Wakeup {

    private final Semaphore permits = new Semaphore(0);

    public void ring() {
        if (permits.availablePermits() == 0) {
            permits.release();
        }
    }

    /** Waits up to {@code timeout}; returns whether it was woken. */
    public boolean await(Duration timeout) throws InterruptedException {
        boolean woken = permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        permits.drainPermits();
        return woken;
    }
}
