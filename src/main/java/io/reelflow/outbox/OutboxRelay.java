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
    /** Below the default emitter buffer (128), so a large backlog never overflows it. */
    private static final int SEND_CHUNK = 64;
    /**
     * Failures for a passing cause after which an event is set aside, when other events of the same pass were sent:
     * the cause is the event's own (its topic missing, say), not the broker's, which an outage would fail for all.
     */
    static final int STUCK_AFTER = 5;
    /** What a record batch adds to one record (Kafka's v2 batch header and record framing), rounded up. */
    private static final int RECORD_OVERHEAD = 128;
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(10);
    /**
     * The pause after each pass, so that events committed close together go out in one transaction and one send
     * rather than one each (at 30 events a second, three at a time); what it adds to an event's way out is at
     * most this.
     */
    static final Duration GATHER = Duration.ofMillis(100);

    private final ReelflowConfig config;
    private final EntityManager em;
    private final MutinyEmitter<String> kafka;
    private final PollingLoop loop;
    private final int maxMessageBytes;
    private final Duration sendTimeout;
    private final io.micrometer.core.instrument.Counter setAside;
    private final io.micrometer.core.instrument.Counter sendFailures;
    private Instant nextCleanup = Instant.now();

    public OutboxRelay(ReelflowConfig config, EntityManager em,
            @Channel(Topics.OUTBOX) MutinyEmitter<String> kafka, io.micrometer.core.instrument.MeterRegistry registry) {
        this.config = config;
        this.maxMessageBytes = config.outbox().maxMessageBytes();
        this.setAside = io.micrometer.core.instrument.Counter.builder("reelflow_outbox_set_aside")
                .description("Outbox events set aside because Kafka will not take them (alert on any increase)")
                .register(registry);
        this.sendFailures = io.micrometer.core.instrument.Counter.builder("reelflow_outbox_send_failures")
                .description("Sends the broker did not acknowledge in time or refused (each event is sent again or set aside)")
                .register(registry);
        this.sendTimeout = config.outbox().sendTimeout();
        this.em = em;
        this.kafka = kafka;
        this.loop = new PollingLoop("outbox-relay", config.outbox().poll(), GATHER, this::pass, LOG);
    }

    void start(@Observes StartupEvent event) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop(sendTimeout);
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

    /** Publishes one batch of pending events; returns how many were taken (published, retried later or set aside). */
    int publishOnce() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<OutboxEvent> events = em.createNativeQuery("select * from outbox_event where published_at is null"
                    + " and set_aside_at is null and next_attempt_at <= now() order by id limit :n for update skip locked",
                    OutboxEvent.class)
                    .setParameter("n", config.outbox().batchSize())
                    .getResultList();
            if (events.isEmpty()) {
                return 0;
            }
            List<OutboxEvent> sendable = new ArrayList<>(events.size());
            for (OutboxEvent event : events) {
                int size = size(event);
                if (size > maxMessageBytes) {
                    setAside(event, "the record is " + size + " bytes; the producer's max.request.size"
                            + " (reelflow.outbox.max-message-bytes) is " + maxMessageBytes);
                } else {
                    sendable.add(event);
                }
            }
            // Sent with the transaction suspended (its row locks stay held): the sends complete on Kafka's
            // threads, which must not carry the transaction, or its commit would find them still inside it.
            List<Throwable> failures = QuarkusTransaction.suspendingExisting().call(() -> send(sendable));
            OffsetDateTime now = OffsetDateTime.now();
            boolean othersWent = failures.stream().anyMatch(java.util.Objects::isNull);
            for (int i = 0; i < sendable.size(); i++) {
                OutboxEvent event = sendable.get(i);
                Throwable failure = failures.get(i);
                if (failure == null) {
                    event.publishedAt = now;
                    continue;
                }
                sendFailures.increment();
                if (passing(failure) && (event.attempts + 1 < STUCK_AFTER || !othersWent)) {
                    event.attempts++;
                    event.lastError = describe(failure);
                    event.nextAttemptAt = now.plus(backoff(event.attempts));
                    LOG.warnf("outbox relay: event %s (%s on %s) not sent, attempt %d, again in %s: %s", event.eventId,
                            event.eventType, event.topic, event.attempts, backoff(event.attempts), event.lastError);
                } else if (passing(failure)) {
                    setAside(event, "it failed " + (event.attempts + 1) + " times while other events were sent,"
                            + " the last time: " + describe(failure));
                } else {
                    setAside(event, "the broker refused it: " + describe(failure));
                }
            }
            return events.size();
        });
    }

    /**
     * An event Kafka will never take (larger than a message may be, a topic it may not write): kept with its reason,
     * counted on {@code reelflow_outbox_set_aside_total}, and out of the way of every other event.
     */
    private void setAside(OutboxEvent event, String reason) {
        event.setAsideAt = OffsetDateTime.now();
        event.attempts++;
        event.lastError = reason;
        setAside.increment();
        LOG.errorf("outbox relay: event %s (%s on %s, key %s) set aside: %s", event.eventId, event.eventType,
                event.topic, event.messageKey, reason);
    }

    /** Bytes the record takes against the producer's limit: value, key, headers and the record batch overhead. */
    static int size(OutboxEvent event) {
        return utf8(event.payload) + utf8(event.messageKey) + utf8(event.eventType) + 36 + 32
                + (event.traceParent == null ? 0 : 128) + RECORD_OVERHEAD;
    }

    private static int utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Failures that may pass (a broker away, a leader moving, no answer in time): the event is sent again. */
    static boolean passing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.RetriableException
                    || t instanceof io.smallrye.mutiny.TimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            if (t instanceof org.apache.kafka.common.KafkaException) {
                return false;
            }
        }
        return true;
    }

    /** 1 s after the first failure, doubling to at most 30 s. */
    static Duration backoff(int attempts) {
        return Duration.ofSeconds(Math.min(30, 1L << Math.min(5, Math.max(0, attempts - 1))));
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + ": " + root.getMessage();
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }

    /**
     * Sends in chunks smaller than the emitter's buffer, each awaited before the next; each event's outcome on its
     * own (null when sent), so one that fails or hangs does not fail the others.
     */
    private List<Throwable> send(List<OutboxEvent> events) {
        List<Throwable> outcomes = new ArrayList<>(events.size());
        for (int from = 0; from < events.size(); from += SEND_CHUNK) {
            List<Uni<Throwable>> sends = new ArrayList<>(SEND_CHUNK);
            for (OutboxEvent event : events.subList(from, Math.min(events.size(), from + SEND_CHUNK))) {
                // The publication continues the trace of whatever made the event.
                try (var scope = io.reelflow.tracing.Traces.context(event.traceParent).makeCurrent()) {
                    Uni<Void> sent;
                    try {
                        sent = kafka.sendMessage(toMessage(event));
                    } catch (RuntimeException e) {
                        sent = Uni.createFrom().failure(e);
                    }
                    sends.add(sent.ifNoItem().after(sendTimeout).fail()
                            .onItemOrFailure().transform((ok, failure) -> failure));
                }
            }
            outcomes.addAll(Uni.join().all(sends).andCollectFailures().await().atMost(sendTimeout.plusSeconds(5)));
        }
        return outcomes;
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
