package io.reelflow.background;

/**
 * Threads of media work, below the threads that take decisions, make create calls and poll providers, so on a busy
 * machine those never wait for a core behind FFmpeg. Two steps down: work a create call will wait for (start frames
 * made ahead) above work that comes after it (landings, placement files). Java's priorities reach the operating
 * system only with the service's JVM options {@code -XX:ThreadPriorityPolicy=1 -XX:JavaPriority4_To_OSPriority=10
 * -XX:JavaPriority1_To_OSPriority=19} (set by the container image and the local stack): nice 10 and nice 19, which
 * need no privilege. Without them every thread runs at the normal priority.
 */
public final class MediaThreads {

    /** Java's priority for work a create call waits for: nice 10 with the service's JVM options. */
    public static final int AHEAD = Thread.NORM_PRIORITY - 1;
    /** Java's priority for work after the create call: nice 19 with the service's JVM options. */
    public static final int AFTER = Thread.MIN_PRIORITY;

    private MediaThreads() {
    }

    /** A daemon thread for work a create call will wait for, not started. */
    public static Thread ahead(String name, Runnable body) {
        return at(AHEAD, name, body);
    }

    /** A daemon thread for work after the create call (landing, placement files), not started. */
    public static Thread after(String name, Runnable body) {
        return at(AFTER, name, body);
    }

    private static Thread at(int priority, String name, Runnable body) {
        Thread thread = LeaseKeeper.daemon(name, body);
        thread.setPriority(priority);
        return thread;
    }
}
