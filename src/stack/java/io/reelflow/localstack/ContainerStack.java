package io.reelflow.localstack;

import java.util.Map;

import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Kafka, PostgreSQL and MinIO from Testcontainers, used where a Docker engine exists. */
final class ContainerStack implements AutoCloseable {

    private final KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.2");
    private final PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:16-alpine");
    private final MinIOContainer minio = new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z");

    ContainerStack() {
        kafka.start();
        postgres.start();
        minio.start();
    }

    String kafka() {
        return kafka.getBootstrapServers();
    }

    Map<String, String> postgres() {
        return Map.of("QUARKUS_DATASOURCE_JDBC_URL", postgres.getJdbcUrl(),
                "QUARKUS_DATASOURCE_USERNAME", postgres.getUsername(),
                "QUARKUS_DATASOURCE_PASSWORD", postgres.getPassword());
    }

    Map<String, String> minio() {
        return Map.of("REELFLOW_STORAGE_ENDPOINT", minio.getS3URL(),
                "REELFLOW_STORAGE_ACCESS_KEY_ID", minio.getUserName(),
                "REELFLOW_STORAGE_SECRET_ACCESS_KEY", minio.getPassword());
    }

    @Override
    public void close() {
        minio.stop();
        postgres.stop();
        kafka.stop();
    }
}
