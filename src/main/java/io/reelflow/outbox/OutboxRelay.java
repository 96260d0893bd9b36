package io.reelflow.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.messaging.Topics;
import io.reelflow.background.PollingLoop;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

/**
 * Publishes outbox events to Kafka. Rows are locked with SKIP LOCKED, sent, and marked published in one
 * transaction, so any number of replicas can relay. Delivery is at least once: a crash between the Kafka
 * acknowledgement and the commit sends an event again with the same {@code eventId}.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** How long one send may take; also how long a stopping relay waits for its last pass. */
    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    /** Below the default emitter buffer (128), so a large backlog never overflows it. */
    private static final int SEND_CHUNK = 64;
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(10);

    private final ReelflowConfig config;
    private final EntityManager em;
    private final MutinyEmitter<String> kafka;
    private final PollingLoop loop;
    private Instant nextCleanup = Instant.now();

    public OutboxRelay(ReelflowConfig config, EntityManager em,
            @Channel(Topics.OUTBOX) MutinyEmitter<String> kafka) {
        this.config = config;
        this.em = em;
        this.kafka = kafka;
        this.loop = new PollingLoop("outbox-relay", config.outbox().poll(), Duration.ZERO, this::pass, LOG);
    }

    void start(@Observes StartupEvent event) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop(SEND_TIMEOUT);
    }

    /** Asks the relay to look for new events now rather than at its next poll. */
    public void wake() {
        loop.wake();
    }

    private boolean pass() {
        if (publishOnce() == config.outbox().batchSize()) {
            return true;
        }
        cleanUpIfDue();
        return false;
    }

    /** Publishes one batch of pending events; returns how many were sent. */
    int publishOnce() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<OutboxEvent> events = em.createNativeQuery("select * from outbox_event where published_at is null "
                    + "order by id limit :n for update skip locked", OutboxEvent.class)
                    .setParameter("n", config.outbox().batchSize())
                    .getResultList();
            if (events.isEmpty()) {
                return 0;
            }
            // Sent with the transaction suspended (its row locks stay held): the sends complete on Kafka's
            // threads, which must not carry the transaction, or its commit would find them still inside it.
            QuarkusTransaction.suspendingExisting().run(() -> send(events));
            OffsetDateTime now = OffsetDateTime.now();
            for (OutboxEvent event : events) {
                event.publishedAt = now;
            }
            return events.size();
        });
    }

    /** Sends in chunks smaller than the emitters' buffer, each awaited before the next. */
    private void send(List<OutboxEvent> events) {
        for (int from = 0; from < events.size(); from += SEND_CHUNK) {
            List<Uni<Void>> sends = new ArrayList<>(SEND_CHUNK);
            for (OutboxEvent event : events.subList(from, Math.min(events.size(), from + SEND_CHUNK))) {
                // The publication continues the trace of whatever made the event.
                try (var scope = io.reelflow.tracing.Traces.context(event.traceParent).makeCurrent()) {
                    sends.add(kafka.sendMessage(toMessage(event)));
                }
            }
            Uni.join().all(sends).andFailFast().await().atMost(SEND_TIMEOUT);
        }
    }

    private static Message<String> toMessage(OutboxEvent event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("event-id", event.eventId.toString().getBytes(StandardCharsets.UTF_8));
        headers.add("event-type", event.eventType.getBytes(StandardCharsets.UTF_8));
        Message<String> message = Message.of(event.payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(event.topic)
                .withKey(event.messageKey)
                .withHeaders(headers)
                .build());
        if (event.traceParent != null) {
            message = message.addMetadata(io.smallrye.reactive.messaging.TracingMetadata
                    .withCurrent(io.reelflow.tracing.Traces.context(event.traceParent)));
        }
        return message;
    }

    private void cleanUpIfDue() {
        if (Instant.now().isBefore(nextCleanup)) {
            return;
        }
        nextCleanup = Instant.now().plus(CLEANUP_EVERY);
        int deleted = QuarkusTransaction.requiringNew().call(() -> em
                .createNativeQuery("delete from outbox_event where published_at < now() - make_interval(secs => :s)")
                .setParameter("s", RETENTION.toSeconds())
                .executeUpdate());
        if (deleted > 0) {
            LOG.debugf("outbox relay: removed %d published events older than %s", deleted, RETENTION);
        }
    }
}
