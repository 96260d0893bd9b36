package io.reelflow.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Time intervals {@code [start, end)}, such as the videos a provider was generating. */
public final class Intervals {

    private Intervals() {
    }

    /** The most intervals open at one moment (an interval ending when another starts does not overlap it). */
    public static int mostAtOnce(List<Instant[]> intervals) {
        List<long[]> events = new ArrayList<>();
        for (Instant[] i : intervals) {
            events.add(new long[] {i[0].toEpochMilli(), 1});
            events.add(new long[] {i[1].toEpochMilli(), -1});
        }
        // At the same instant, ends come before starts.
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int open = 0;
        int most = 0;
        for (long[] e : events) {
            open += (int) e[1];
            most = Math.max(most, open);
        }
        return most;
    }
}
