package io.reelflow.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.messaging.TeamTopics;
import io.reelflow.messaging.Topics;
import io.reelflow.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * A batch's events as a server-sent-event stream: every event of the batch on {@code video-events}, read from
 * the outbox (events are kept there for a day), in order, then new ones as they are committed. Each SSE
 * {@code id} is the event's position, so a client reconnecting with {@code Last-Event-ID} continues where it
 * left off; the data is the event as published, with its {@code eventId}.
 */
@Path("/api/v1")
@ApplicationScoped
@Tag(name = "Batches")
public class EventsResource {

    private static final Logger LOG = Logger.getLogger(EventsResource.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final int READ_LIMIT = 500;

    private final Caller caller;
    private final OutboxEvents outbox;
    private final ReelflowConfig config;
    private final TeamTopics topics;
    private final AtomicInteger open = new AtomicInteger();
    private final ExecutorService streams = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "event-stream");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    public EventsResource(Caller caller, OutboxEvents outbox, ReelflowConfig config, TeamTopics topics) {
        this.topics = topics;
        this.caller = caller;
        this.outbox = outbox;
        this.config = config;
    }

    @GET
    @Path("/batches/{batchId}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Transactional
    @Operation(summary = "The batch's events as server-sent events (history of the last day, then live)")
    public void events(@PathParam("batchId") String batchId, @HeaderParam("Last-Event-ID") String lastEventId,
            @Context SseEventSink sink, @Context Sse sse) {
        String team = caller.team();
        BatchesResource.batch(team, batchId);
        if (open.incrementAndGet() > config.api().maxEventStreams()) {
            open.decrementAndGet();
            throw new ApiException(503, "Service Unavailable", "too many event streams are open on this instance;"
                    + " try again shortly or read GET " + BatchesResource.location(batchId), null);
        }
        long after = parse(lastEventId);
        // The stream's head goes out here, before the stream's own thread starts: that thread's first event would
        // otherwise race the REST layer's sending of the head, and the slower of the two would fail the request.
        sink.send(sse.newEventBuilder().comment("open").build());
        streams.submit(() -> {
            try {
                stream(topics.of(Topics.VIDEO_EVENTS, team), team + "/" + batchId, after, sink, sse);
            } finally {
                open.decrementAndGet();
                sink.close();
            }
        });
    }

    private void stream(String topic, String key, long after, SseEventSink sink, Sse sse) {
        long last = after;
        Instant quietSince = Instant.now();
        try {
            while (!stopping && !sink.isClosed()) {
                List<OutboxEvents.Stored> events = outbox.after(topic, key, last, READ_LIMIT);
                for (OutboxEvents.Stored event : events) {
                    last = event.id();
                    sink.send(sse.newEventBuilder().id(Long.toString(last)).name(event.type())
                            .mediaType(MediaType.APPLICATION_JSON_TYPE).data(event.payload()).build())
                            .toCompletableFuture().get(10, TimeUnit.SECONDS);
                }
                if (!events.isEmpty()) {
                    quietSince = Instant.now();
                } else if (Instant.now().isAfter(quietSince.plus(KEEP_ALIVE))) {
                    // A comment keeps proxies from closing the stream and finds clients that went away.
                    sink.send(sse.newEventBuilder().comment("keep-alive").build()).toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
                    quietSince = Instant.now();
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debugf("event stream for %s ended: %s", key, e.toString());
        }
    }

    private static long parse(String lastEventId) {
        try {
            return lastEventId == null ? 0 : Math.max(0, Long.parseLong(lastEventId.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        streams.shutdown();
    }
}
