package io.reelflow.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.reelflow.localstack.KafkaAccess;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads a topic from its beginning in the background and keeps every record, for tests and the demo. */
public final class EventStream implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    private EventStream(KafkaAccess kafka, String topic, String group) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        poller = new Thread(this::poll, "event-stream-" + topic);
        poller.setDaemon(true);
        poller.start();
    }

    public static EventStream open(KafkaAccess kafka, String topic) {
        return new EventStream(kafka, topic, "reelflow-observer-" + UUID.randomUUID());
    }

    /** Reads as a team does: in a consumer group of its own prefix ({@code <team>.}). */
    public static EventStream open(KafkaAccess kafka, String topic, String group) {
        return new EventStream(kafka, topic, group);
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    synchronized (records) {
                        records.add(record);
                        records.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** Every record read so far. */
    public List<ConsumerRecord<String, String>> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Every record read so far, parsed as JSON. */
    public List<JsonNode> events() {
        return records().stream().map(r -> parse(r.value())).toList();
    }

    /**
     * Waits for the first record whose JSON matches {@code filter} and {@code until}, passing every matching
     * record, in order, to {@code until}. Returns null on timeout.
     */
    public JsonNode awaitFirst(Predicate<JsonNode> filter, Predicate<JsonNode> until, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = 0;
        synchronized (records) {
            while (true) {
                while (next < records.size()) {
                    JsonNode event = parse(records.get(next++).value());
                    if (event != null && filter.test(event) && until.test(event)) {
                        return event;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                records.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Waits for the first record matching {@code match}; returns null on timeout. */
    public ConsumerRecord<String, String> awaitRecord(Predicate<ConsumerRecord<String, String>> match,
            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = 0;
        synchronized (records) {
            while (true) {
                while (next < records.size()) {
                    ConsumerRecord<String, String> record = records.get(next++);
                    if (match.test(record)) {
                        return record;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                records.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static JsonNode parse(String value) {
        try {
            return value == null ? null : JSON.readTree(value);
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        poller.join(5_000);
    }
}
