package io.reelflow.testkit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.reelflow.localstack.KafkaAccess;

/** Sends messages the way a team's system would (a plain Kafka producer), and sets topics up as an operator would. */
public final class Kafka {

    private Kafka() {
    }

    /** Sends one record and waits for the broker's acknowledgement; returns where it was written. */
    public static RecordMetadata send(KafkaAccess kafka, String topic, String key, String value) throws Exception {
        return send(kafka, topic, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one record of these bytes, as a client in any language may (UTF-8 or not). */
    public static RecordMetadata send(KafkaAccess kafka, String topic, String key, byte[] value) throws Exception {
        return send(kafka, topic, key, value, "none");
    }

    /** Sends one record compressed with {@code compression} ({@code zstd}, {@code lz4}, {@code snappy}, ...). */
    public static RecordMetadata send(KafkaAccess kafka, String topic, String key, byte[] value, String compression)
            throws Exception {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Moves a consumer group's committed offset on one partition back to {@code offset}, as an operator replaying
     * messages would (the group must have no members: its consumers stopped).
     */
    public static void rewind(KafkaAccess kafka, String group, String topic, int partition, long offset) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.alterConsumerGroupOffsets(group, Map.of(new org.apache.kafka.common.TopicPartition(topic, partition),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(offset))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Sets a topic's own message limit, as an operator would ({@code null}: back to the broker's). */
    public static void maxMessageBytes(KafkaAccess kafka, String topic, String bytes) throws Exception {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        var op = new AlterConfigOp(new ConfigEntry("max.message.bytes", bytes == null ? "" : bytes),
                bytes == null ? AlterConfigOp.OpType.DELETE : AlterConfigOp.OpType.SET);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            if (bytes != null) {
                // A topic the broker creates on first use may not exist yet.
                try {
                    admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)))
                            .all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
            admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
