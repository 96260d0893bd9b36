package io.reelflow.background;

import java.time.Duration;

import org.jboss.logging.Logger;

import io.reelflow.persistence.Transient;

/**
 * A background thread that runs one pass of work, then waits for its poll interval or a {@link #wake()}.
 * A failing pass is logged and retried after a pause; it never ends the loop.
 */
public final class PollingLoop {

    /** One pass; returns true when more work is already waiting, so the next pass starts at once. */
    @FunctionalInterface
    public interface Pass {
        boolean run();
    }

    private static final Duration FAILURE_PAUSE = Duration.ofSeconds(1);

    private final String name;
    private final Duration poll;
    private final Duration minGap;
    private final int rest;
    private final Pass pass;
    private final Logger log;
    private final Wakeup wakeup = new Wakeup();
    private volatile boolean running;
    private Thread thread;

    /** {@code minGap} is a pause after every pass, to coalesce bursts of wake-ups. */
    public PollingLoop(String name, Duration poll, Duration minGap, Pass pass, Logger log) {
        this(name, poll, minGap, 0, pass, log);
    }

    /**
     * As above, and the pause after a pass is also at least {@code rest} times the pass's own time: a pass whose
     * work grows with what it rewrites keeps its thread busy at most 1 / (1 + {@code rest}) of the time, however
     * often it is woken.
     */
    public PollingLoop(String name, Duration poll, Duration minGap, int rest, Pass pass, Logger log) {
        if (rest < 0) {
            throw new IllegalArgumentException("rest is " + rest + "; it must be 0 or more");
        }
        this.name = name;
        this.poll = poll;
        this.minGap = minGap;
        this.rest = rest;
        this.pass = pass;
        this.log = log;
    }

    /** The pause after a pass that took {@code passNanos}: {@code minGap}, or {@code rest} times the pass if longer. */
    static Duration gap(Duration minGap, int rest, long passNanos) {
        Duration resting = Duration.ofNanos(passNanos).multipliedBy(rest);
        return resting.compareTo(minGap) > 0 ? resting : minGap;
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops after the current pass, waiting at most {@code wait} for it. */
    public synchronized void stop(Duration wait) throws InterruptedException {
        running = false;
        wakeup.ring();
        if (thread != null) {
            thread.join(wait.toMillis());
            thread = null;
        }
    }

    public void wake() {
        wakeup.ring();
    }

    private void loop() {
        while (running) {
            try {
                long began = System.nanoTime();
                boolean more = pass.run();
                Duration pause = gap(minGap, rest, System.nanoTime() - began);
                if (!pause.isZero()) {
                    Thread.sleep(pause.toMillis());
                }
                if (!more) {
                    wakeup.await(poll);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warnf("%s: pass failed, will retry: %s", name,
                        Transient.isTransient(e) ? e.getMessage() : e.toString());
                try {
                    Thread.sleep(FAILURE_PAUSE.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
