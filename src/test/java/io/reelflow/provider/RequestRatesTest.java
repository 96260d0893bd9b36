package io.reelflow.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The schedule behind the shared request-rate limits, driven by a simulated clock. */
class RequestRatesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void anIdleLimitLetsABurstThroughThenSpacesRequests() {
        RequestRates.Limit limit = new RequestRates.Limit("model:m", 120); // 0.5 s apart, burst 10
        assertThat(limit.burst()).isEqualTo(10);
        Instant next = T0;
        int allowed = 0;
        List<Instant> scheduled = new ArrayList<>();
        while (RequestRates.schedule(limit, next, T0, 1, scheduled).isEmpty()) {
            next = scheduled.get(scheduled.size() - 1);
            allowed++;
        }
        assertThat(allowed).isEqualTo(10);
        Optional<Duration> wait = RequestRates.schedule(limit, next, T0, 1, new ArrayList<>());
        assertThat(wait).contains(Duration.ofMillis(500));
    }

    @Test
    void noWindowCarriesMoreThanItsShareAndTheBurst() {
        RequestRates.Limit limit = new RequestRates.Limit("provider:p", 60); // 1 s apart, burst 5
        // Callers ask every 100 ms for ten minutes; each is let through only when the schedule has room.
        Instant next = T0;
        List<Instant> sent = new ArrayList<>();
        for (Instant now = T0; now.isBefore(T0.plusSeconds(600)); now = now.plusMillis(100)) {
            List<Instant> scheduled = new ArrayList<>();
            int requests = sent.size() % 4 == 0 ? 3 : 1;
            if (RequestRates.schedule(limit, next, now, requests, scheduled).isEmpty()) {
                next = scheduled.get(0);
                for (int i = 0; i < requests; i++) {
                    sent.add(now);
                }
            }
        }
        for (Instant start : sent) {
            long inMinute = sent.stream().filter(t -> !t.isBefore(start) && t.isBefore(start.plusSeconds(60))).count();
            assertThat(inMinute).as("requests in the minute from %s", start).isLessThanOrEqualTo(60 + 5);
        }
        // The limit is used, not just respected: ten minutes carry about 600 requests.
        assertThat(sent.size()).isBetween(595, 606);
    }

    @Test
    void aStepLargerThanTheBurstStillGoesWhenTheLimitIsIdle() {
        RequestRates.Limit slow = new RequestRates.Limit("model:slow", 1); // one a minute, burst 3
        assertThat(RequestRates.schedule(slow, T0, T0, 3, new ArrayList<>())).isEmpty();
        assertThat(RequestRates.schedule(slow, T0.plusSeconds(180), T0, 1, new ArrayList<>()))
                .contains(Duration.ofSeconds(60));
    }
}
