package io.reelflow.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.messaging.Topics;
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

    private final Caller caller;
    private final DataSource dataSource;
    private final ReelflowConfig config;
    private final AtomicInteger open = new AtomicInteger();
    private final ExecutorService streams = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "event-stream");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    public EventsResource(Caller caller, DataSource dataSource, ReelflowConfig config) {
        this.caller = caller;
        this.dataSource = dataSource;
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
        streams.submit(() -> {
            try {
                stream(team + "/" + batchId, after, sink, sse);
            } finally {
                open.decrementAndGet();
                sink.close();
            }
        });
    }

    private void stream(String key, long after, SseEventSink sink, Sse sse) {
        long last = after;
        Instant quietSince = Instant.now();
        try {
            while (!stopping && !sink.isClosed()) {
                List<Object[]> events = read(key, last);
                for (Object[] event : events) {
                    last = (Long) event[0];
                    sink.send(sse.newEventBuilder().id(Long.toString(last)).name((String) event[1])
                            .mediaType(MediaType.APPLICATION_JSON_TYPE).data((String) event[2]).build())
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

    private List<Object[]> read(String key, long after) throws SQLException {
        List<Object[]> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select id, event_type, payload from outbox_event"
                        + " where message_key = ? and topic = ? and id > ? order by id limit 500")) {
            s.setString(1, key);
            s.setString(2, Topics.VIDEO_EVENTS);
            s.setLong(3, after);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    events.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return events;
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
