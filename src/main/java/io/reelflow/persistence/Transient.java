package io.reelflow.persistence;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Tells a passing infrastructure failure (database restarting, connection lost) from a real error. */
public final class Transient {

    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private Transient() {
    }

    /**
     * Runs {@code work} until it succeeds or fails for a reason other than a passing outage; during an
     * outage it waits with growing pauses (up to 5 s), logging each wait. Used by Kafka consumers, which
     * must hold their record until the database answers again rather than lose or dead-letter it.
     */
    public static <T> T retrying(String what, java.util.function.Supplier<T> work, org.jboss.logging.Logger log)
            throws InterruptedException {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (!isTransient(e)) {
                    throw e;
                }
                log.warnf("%s: database unavailable (%s); retrying in %d ms", what, e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                // 08: connection, 40: rollback (serialization, deadlock), 53: resources, 57: shutdown.
                if (state == null || state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                        || state.startsWith("57")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
