package io.reelflow.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;

import io.quarkus.bootstrap.logging.InitialConfigurator;

/**
 * Kafka, PostgreSQL and S3-compatible storage for the demo, for development and for the tests, without
 * Docker. Per service, the first that applies wins:
 * <ol>
 * <li>an endpoint given in the environment ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code QUARKUS_DATASOURCE_JDBC_URL}, {@code REELFLOW_STORAGE_ENDPOINT});</li>
 * <li>Testcontainers (Kafka, PostgreSQL, MinIO) when a Docker engine answers;</li>
 * <li>embedded: a KRaft broker in this JVM, the machine's PostgreSQL or embedded PostgreSQL binaries, and
 * S3Proxy over {@code {dataDir}/objects}.</li>
 * </ol>
 * The choice is printed in one line.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * Where the stack keeps its files and which database it uses. A {@code restartable} stack runs every part
     * embedded, PostgreSQL on its own binaries, so that tests can stop and restart each of them.
     */
    public record Options(Path dataDir, String database, boolean dropDatabaseOnClose, boolean restartable) {

        public Options(Path dataDir, String database, boolean dropDatabaseOnClose) {
            this(dataDir, database, dropDatabaseOnClose, false);
        }
    }

    private final Options options;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private EmbeddedKafka kafka;
    private KafkaAccess kafkaAccess;
    private EmbeddedS3 s3;
    private PostgresDatabase postgres;
    private String bucketDir;

    private LocalStack(Options options) {
        this.options = options;
    }

    public static LocalStack start(Options options) throws Exception {
        quietLogging();
        LocalStack stack = new LocalStack(options);
        try {
            stack.bringUp();
        } catch (Exception e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    /**
     * The broker and the object store run in this JVM, which is no Quarkus application: logging stays as Quarkus'
     * bootstrap leaves it, every level enabled and every record kept in a queue that is compacted on each record
     * once full, under one lock. Kafka and S3Proxy's Jetty log at DEBUG on every request, so that cost them about
     * as much CPU as the work itself. Their records are not shown anywhere (the service processes log on their
     * own, and the stack prints its own lines): drop them, and below WARNING do not make them at all.
     */
    private static void quietLogging() {
        InitialConfigurator.DELAYED_HANDLER.setHandlers(new Handler[0]);
        java.util.logging.Logger.getLogger("").setLevel(Level.WARNING);
    }

    private void bringUp() throws Exception {
        Map<String, String> given = System.getenv();
        if (options.restartable()) {
            given = Map.of("REELFLOW_LOCAL_POSTGRES_EMBEDDED", "true");
        }
        boolean docker = !given.containsKey("REELFLOW_LOCAL_STACK_NO_DOCKER") && !options.restartable()
                && DockerProbe.available();
        ContainerStack containers = docker ? new ContainerStack() : null;
        if (containers != null) {
            parts.add(containers);
        }
        List<String> choices = new ArrayList<>();

        if (given.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
            kafkaAccess = KafkaAccess.plaintext(given.get("KAFKA_BOOTSTRAP_SERVERS"));
            env.putAll(kafkaAccess.environment());
            choices.add("kafka=environment " + kafkaAccess);
        } else if (containers != null) {
            kafkaAccess = KafkaAccess.plaintext(containers.kafka());
            env.putAll(kafkaAccess.environment());
            choices.add("kafka=testcontainers " + kafkaAccess);
        } else {
            kafka = new EmbeddedKafka(options.dataDir().resolve("kafka")).start();
            parts.add(kafka);
            kafkaAccess = kafka.admin();
            // The service signs in as its own principal, with the ACLs its KafkaUser has in k8s/.
            KafkaAccess service = kafka.principal(KafkaAcls.SERVICE, KafkaAcls.service());
            env.putAll(service.environment());
            choices.add("kafka=embedded KRaft broker " + kafka.bootstrapServers() + " (SASL SCRAM-SHA-512, ACLs;"
                    + " service as '" + KafkaAcls.SERVICE + "')");
        }

        if (given.containsKey("QUARKUS_DATASOURCE_JDBC_URL")) {
            for (String key : List.of("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME",
                    "QUARKUS_DATASOURCE_PASSWORD")) {
                Optional.ofNullable(given.get(key)).ifPresent(v -> env.put(key, v));
            }
            choices.add("postgres=environment");
        } else if (containers != null) {
            env.putAll(containers.postgres());
            choices.add("postgres=testcontainers");
        } else {
            postgres = new PostgresDatabase(options.database(), options.dropDatabaseOnClose())
                    .start(options.dataDir().resolve("postgres"), given.containsKey("REELFLOW_LOCAL_POSTGRES_EMBEDDED"));
            parts.add(postgres);
            env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl());
            env.put("QUARKUS_DATASOURCE_USERNAME", postgres.user());
            choices.add("postgres=" + postgres.description());
        }

        if (given.containsKey("REELFLOW_STORAGE_ENDPOINT")) {
            for (String key : List.of("REELFLOW_STORAGE_ENDPOINT", "REELFLOW_STORAGE_ACCESS_KEY_ID",
                    "REELFLOW_STORAGE_SECRET_ACCESS_KEY", "REELFLOW_STORAGE_BUCKET", "REELFLOW_STORAGE_REGION")) {
                Optional.ofNullable(given.get(key)).ifPresent(v -> env.put(key, v));
            }
            choices.add("s3=environment " + given.get("REELFLOW_STORAGE_ENDPOINT"));
        } else if (containers != null) {
            env.putAll(containers.minio());
            choices.add("s3=testcontainers MinIO");
        } else {
            s3 = new EmbeddedS3(options.dataDir().resolve("objects")).start();
            parts.add(s3);
            env.put("REELFLOW_STORAGE_ENDPOINT", s3.endpoint());
            env.put("REELFLOW_STORAGE_ACCESS_KEY_ID", s3.accessKey());
            env.put("REELFLOW_STORAGE_SECRET_ACCESS_KEY", s3.secretKey());
            bucketDir = s3.baseDir().toString();
            choices.add("s3=S3Proxy " + s3.endpoint() + " over " + s3.baseDir());
        }
        env.putIfAbsent("REELFLOW_STORAGE_BUCKET", "reelflow");
        env.put("REELFLOW_STORAGE_CREATE_BUCKET", "true");
        // Printed rather than logged: the test and demo JVMs route logging through Quarkus' bootstrap
        // configurator, which keeps library INFO lines quiet; this one line must always be seen.
        System.out.println("local stack: " + String.join("; ", choices));
    }

    /** The environment a Reelflow service process needs to use this stack. */
    public Map<String, String> serviceEnvironment() {
        return Map.copyOf(env);
    }

    /** Kafka as the stack's operator sees it (the super user when the broker authenticates). */
    public KafkaAccess kafka() {
        return kafkaAccess;
    }

    /**
     * Gives {@code team} its own topics ({@code <topic>.<team>}) and a principal ({@code team-<team>}) with the ACLs
     * of {@link KafkaAcls#team}, as a deployment with {@code reelflow.kafka.team-topics} does for each team.
     */
    public KafkaAccess kafkaTeam(String team) throws Exception {
        EmbeddedKafka broker = embedded(kafka, "an authenticating Kafka broker");
        broker.createTopics(KafkaAcls.TEAM_TOPICS.stream().map(kind -> kind + "." + team).toList());
        return broker.principal(KafkaAcls.teamPrincipal(team), KafkaAcls.team(team));
    }

    public String jdbcUrl() {
        return env.get("QUARKUS_DATASOURCE_JDBC_URL");
    }

    public String jdbcUser() {
        return env.getOrDefault("QUARKUS_DATASOURCE_USERNAME", "postgres");
    }

    public String jdbcPassword() {
        return env.getOrDefault("QUARKUS_DATASOURCE_PASSWORD", "");
    }

    public String s3Endpoint() {
        return env.get("REELFLOW_STORAGE_ENDPOINT");
    }

    public String s3AccessKey() {
        return env.get("REELFLOW_STORAGE_ACCESS_KEY_ID");
    }

    public String s3SecretKey() {
        return env.get("REELFLOW_STORAGE_SECRET_ACCESS_KEY");
    }

    public String bucket() {
        return env.get("REELFLOW_STORAGE_BUCKET");
    }

    /** Where the objects of a bucket lie on disk, when storage is the embedded S3Proxy. */
    public Optional<Path> bucketDirectory() {
        return Optional.ofNullable(bucketDir).map(d -> Path.of(d, bucket()));
    }

    /** Shuts the Kafka broker down: clients get no answer until {@link #startKafka()}. */
    public void stopKafka() throws Exception {
        embedded(kafka, "Kafka").close();
    }

    /** Starts the broker again on the same port and log. */
    public void startKafka() throws Exception {
        embedded(kafka, "Kafka").start();
    }

    /** Stops PostgreSQL (open connections break), waits {@code down}, and starts it again on the same data. */
    public void restartPostgres(java.time.Duration down) throws Exception {
        embedded(postgres, "PostgreSQL").restart(down);
    }

    /** Takes the S3 server away: requests are refused until {@link #startStorage()}. */
    public void stopStorage() throws Exception {
        embedded(s3, "S3").stop();
    }

    public void startStorage() throws Exception {
        embedded(s3, "S3").start();
    }

    private static <T> T embedded(T part, String what) {
        if (part == null) {
            throw new UnsupportedOperationException(what + " is not run by this stack; start it with restartable");
        }
        return part;
    }

    @Override
    public void close() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                System.err.println("local stack: stopping " + parts.get(i).getClass().getSimpleName() + " failed: "
                        + e);
            }
        }
        parts.clear();
    }
}
