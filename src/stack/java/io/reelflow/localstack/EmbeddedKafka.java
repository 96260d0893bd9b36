package io.reelflow.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.TopicExistsException;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real Apache Kafka broker in KRaft mode (broker and controller in one node), run inside this JVM, with
 * authentication and authorization on as in production: clients sign in with SASL SCRAM-SHA-512, the standard
 * authorizer allows only what ACLs grant, and {@code admin} (the stack itself) is the one super user. Passwords are
 * made at random for each data directory and kept beside it, readable by its owner only.
 */
final class EmbeddedKafka implements AutoCloseable {

    static final String ADMIN = "admin";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private final Properties secrets;
    private KafkaRaftServer server;

    EmbeddedKafka(Path logDir) throws IOException {
        this.logDir = logDir;
        this.brokerPort = Ports.free();
        this.controllerPort = Ports.free();
        Path secretsFile = logDir.resolveSibling(logDir.getFileName() + ".secrets");
        if (!Files.exists(secretsFile) && Files.exists(logDir.resolve("meta.properties"))) {
            // Data of a broker that ran without credentials (an older checkout's demo): its metadata has no user
            // to sign in as, so it starts afresh. Reelflow's state is in PostgreSQL; intake is idempotent.
            System.out.println("local stack: the Kafka data in " + logDir + " predates its credentials; starting it afresh");
            try (var walk = Files.walk(logDir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(logDir);
        this.secrets = secrets(secretsFile);
    }

    private static Properties secrets(Path file) throws IOException {
        Properties secrets = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                secrets.load(in);
            }
            return secrets;
        }
        secrets.put("admin", password());
        secrets.put("controller", password());
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            secrets.store(out, "credentials of the local Kafka broker");
        }
        return secrets;
    }

    static String password() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    EmbeddedKafka start() throws IOException {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "CLIENTS://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "CLIENTS://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "CLIENTS");
        props.put("listener.security.protocol.map", "CLIENTS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        // Clients and the broker itself: SCRAM-SHA-512, its credentials kept in the cluster metadata.
        props.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        props.put("listener.name.clients.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        props.put("listener.name.clients.scram-sha-512.sasl.jaas.config", scramLogin(ADMIN, secrets.getProperty("admin")));
        // The controller cannot read SCRAM credentials before it has the metadata, so its listener uses PLAIN
        // with the one user the broker signs in as.
        String controller = secrets.getProperty("controller");
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + controller + "\" user_" + ADMIN + "=\"" + controller + "\";");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + ADMIN);
        props.put("allow.everyone.if.no.acl.found", "false");
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
            Files.deleteIfExists(config);
            Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "Reelflow local Kafka broker");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                    config.toString(), "--ignore-formatted", "--add-scram",
                    "SCRAM-SHA-512=[name=" + ADMIN + ",password=" + secrets.getProperty("admin") + "]"},
                    new PrintStream(output, true, StandardCharsets.UTF_8));
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

    /** The stack's own access: the super user. */
    KafkaAccess admin() {
        return KafkaAccess.scram(bootstrapServers(), ADMIN, secrets.getProperty("admin"));
    }

    /** A principal with a new password (SCRAM-SHA-512), granted {@code acls}. */
    KafkaAccess principal(String user, Collection<AclBinding> acls) throws Exception {
        String password = password();
        try (Admin admin = Admin.create(admin().clientProperties())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all()
                    .get(30, TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
        return KafkaAccess.scram(bootstrapServers(), user, password);
    }

    /** Creates topics that do not exist yet. */
    void createTopics(Collection<String> names) throws Exception {
        try (Admin admin = Admin.create(admin().clientProperties())) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
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
