package io.reelflow.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/** A real Apache Kafka broker in KRaft mode (broker and controller in one node), run inside this JVM. */
final class EmbeddedKafka implements AutoCloseable {

    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private KafkaRaftServer server;

    EmbeddedKafka(Path logDir) throws IOException {
        this.logDir = logDir;
        this.brokerPort = Ports.free();
        this.controllerPort = Ports.free();
        Files.createDirectories(logDir);
    }

    EmbeddedKafka start() throws IOException {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "4");
        props.put("auto.create.topics.enable", "true");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.flush.interval.messages", "10000");

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            Path config = logDir.resolveSibling(logDir.getFileName() + ".properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "Reelflow local Kafka broker");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                    config.toString(), "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IOException("formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8));
            }
        }
        server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        return this;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
