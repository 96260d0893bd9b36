package io.reelflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.job.JobWorker;
import io.reelflow.localstack.KafkaAcls;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.messaging.TeamTopics;
import io.reelflow.messaging.Topics;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.NodePackages;
import io.smallrye.config.WithName;

/**
 * The deployment files, without a cluster: every manifest in {@code k8s/} is validated offline against the
 * Kubernetes, KEDA and Strimzi schemas (npm {@code kubernetes-models}, {@code src/test/k8s/validate.mjs}), and
 * the values that must agree across files and with the application are checked to agree: selectors and labels,
 * ports, probe paths (answered by the packaged service), topic names and consumer groups, configuration keys,
 * the grace period against the service's own shutdown, the security profile against the image.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploymentManifestsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BASE = Path.of("k8s/base");
    private static final Path OVERLAY = Path.of("k8s/overlays/example");
    private static final Path TEAMS = OVERLAY.resolve("teams");
    private static final Path KAFKA = Path.of("k8s/kafka");

    private final Map<String, List<JsonNode>> docs = new HashMap<>();
    private String validation;
    private Properties application;

    @BeforeAll
    void validate() throws Exception {
        Path home = NodePackages.install(Path.of("src/test/k8s"), Path.of("target/k8s-validate"), "node_modules/yaml");
        Files.copy(Path.of("src/test/k8s/validate.mjs"), home.resolve("validate.mjs"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
        for (Path file : yamlFiles(BASE)) {
            command.add(file.toAbsolutePath().toString());
        }
        command.add(OVERLAY.resolve("kustomization.yaml").toAbsolutePath().toString());
        for (Path file : yamlFiles(TEAMS)) {
            command.add(file.toAbsolutePath().toString());
        }
        command.add(KAFKA.resolve("kafka.yaml").toAbsolutePath().toString());
        for (JsonNode patch : kustomization(OVERLAY).path("patches")) {
            command.add("patch:" + OVERLAY.resolve(patch.path("path").asText()).toAbsolutePath());
        }
        command.add("patch:" + Path.of("docker/compose.yaml").toAbsolutePath());
        Path output = home.resolve("manifests.json");
        ProcessBuilder node = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        node.environment().put("OUTPUT", output.toString());
        Process run = node.start();
        validation = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(run.exitValue()).as("schema validation of the manifests:%n%s", validation).isZero();
        JsonNode parsed = JSON.readTree(output.toFile());
        parsed.fields().forEachRemaining(e -> {
            List<JsonNode> list = new ArrayList<>();
            e.getValue().forEach(list::add);
            docs.put(Path.of(e.getKey()).getFileName().toString().equals("kustomization.yaml")
                    ? Path.of(e.getKey()).getParent().getFileName() + "/kustomization.yaml"
                    : Path.of(e.getKey()).getFileName().toString(), list);
        });
        application = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            application.load(in);
        }
    }

    @Test
    void everyFileIsInTheKustomizationAndEveryPatchHitsABaseResource() throws Exception {
        Set<String> listed = new TreeSet<>();
        kustomization(BASE).path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> present = new TreeSet<>();
        for (Path file : yamlFiles(BASE)) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                present.add(file.getFileName().toString());
            }
        }
        assertThat(listed).isEqualTo(present);
        for (JsonNode patch : kustomization(OVERLAY).path("patches")) {
            JsonNode target = docs.get(patch.path("path").asText()).get(0);
            assertThat(find(target.path("kind").asText(), target.path("metadata").path("name").asText()))
                    .as("patch %s targets a base resource", patch.path("path").asText()).isNotNull();
        }
    }

    @Test
    void selectorsAndLabelsAgree() {
        JsonNode deployment = find("Deployment", "reelflow");
        JsonNode selector = deployment.path("spec").path("selector").path("matchLabels");
        assertThat(selector.size()).isPositive();
        JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
        selector.fields().forEachRemaining(l -> assertThat(podLabels.path(l.getKey()).asText()).isEqualTo(l.getValue().asText()));
        assertThat(find("Service", "reelflow").path("spec").path("selector")).isEqualTo(selector);
        assertThat(find("PodDisruptionBudget", "reelflow").path("spec").path("selector").path("matchLabels")).isEqualTo(selector);
        assertThat(find("NetworkPolicy", "reelflow").path("spec").path("podSelector").path("matchLabels")).isEqualTo(selector);
        JsonNode scaled = find("ScaledObject", "reelflow");
        assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(deployment.path("metadata").path("name").asText());
        assertThat(scaled.path("spec").path("minReplicaCount").asInt())
                .isGreaterThan(find("PodDisruptionBudget", "reelflow").path("spec").path("minAvailable").asInt());
    }

    @Test
    void portsAndProbesAgreeWithTheServiceAndAreAnswered() throws Exception {
        JsonNode container = container();
        JsonNode port = container.path("ports").get(0);
        assertThat(port.path("name").asText()).isEqualTo("http");
        assertThat(port.path("containerPort").asInt()).isEqualTo(8080)
                .isEqualTo(Integer.parseInt(application.getProperty("quarkus.http.port", "8080")));
        assertThat(Files.readString(Path.of("docker/Dockerfile"))).contains("EXPOSE 8080");
        JsonNode servicePort = find("Service", "reelflow").path("spec").path("ports").get(0);
        assertThat(servicePort.path("targetPort").asText()).isEqualTo("http");
        assertThat(find("NetworkPolicy", "reelflow").path("spec").path("ingress").get(0).path("ports").get(0)
                .path("port").asInt()).isEqualTo(8080);

        Map<String, String> probes = Map.of("startupProbe", "/q/health/started", "readinessProbe", "/q/health/ready",
                "livenessProbe", "/q/health/live");
        try (ItStack it = new ItStack(DeploymentManifestsIT.class);
                ServiceProcess service = it.service("service", Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED",
                        configMap().path("QUARKUS_LOG_CONSOLE_JSON_ENABLED").asText())).start()) {
            HttpClient http = HttpClient.newHttpClient();
            for (Map.Entry<String, String> probe : probes.entrySet()) {
                JsonNode get = container.path(probe.getKey()).path("httpGet");
                assertThat(get.path("path").asText()).as(probe.getKey()).isEqualTo(probe.getValue());
                assertThat(get.path("port").asText()).isEqualTo("http");
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(service.baseUrl()
                        + probe.getValue())).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as("%s %s: %s", probe.getKey(), probe.getValue(), answer.body())
                        .isEqualTo(200);
            }
            JsonNode annotations = find("Deployment", "reelflow").path("spec").path("template").path("metadata")
                    .path("annotations");
            assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo("8080");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(service.baseUrl()
                    + annotations.path("prometheus.io/path").asText())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("reelflow_oldest_due_job_age_seconds");
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(service.baseUrl()
                    + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.body()).as("readiness covers the database, Kafka and object storage")
                    .contains("Database connections health check").contains("object-storage")
                    .contains("SmallRye Reactive Messaging - readiness check").contains("\"campaign-batches\": \"[OK]\"");
            service.stop();
            // The configuration the manifests set turns the log into one JSON object per line.
            List<String> lines = Files.readAllLines(it.dir.resolve("logs/service.log")).stream()
                    .filter(l -> l.contains("job worker")).toList();
            assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(JSON.readTree(l).path("message").asText())
                    .contains("job worker"));
        }
    }

    @Test
    void topicsAndConsumerGroupsAgreeWithTheApplication() {
        Set<String> used = new TreeSet<>(Topics.ALL);
        for (String name : application.stringPropertyNames()) {
            if (name.startsWith("mp.messaging.") && (name.endsWith(".topic") || name.endsWith(".dead-letter-queue.topic"))) {
                used.add(application.getProperty(name));
            }
        }
        Set<String> declared = new TreeSet<>();
        Set<String> acme = new TreeSet<>();
        for (JsonNode topic : all("KafkaTopic")) {
            String name = topic.path("metadata").path("name").asText();
            (name.contains(".") ? acme : declared).add(name);
            assertThat(topic.path("spec").path("replicas").asInt()).isGreaterThan(
                    topic.path("spec").path("config").path("min.insync.replicas").asInt());
        }
        assertThat(declared).isEqualTo(used);
        // A team's own topics: one of every kind, as the service names them with team topics on.
        TeamTopics perTeam = new TeamTopics(true);
        assertThat(acme).isEqualTo(new TreeSet<>(Topics.ALL.stream().map(t -> perTeam.of(t, "acme")).toList()));
        for (String kind : Topics.ALL) {
            assertThat(find("KafkaTopic", kind + ".acme").path("spec"))
                    .as("%s.acme has the settings of %s", kind, kind).isEqualTo(find("KafkaTopic", kind).path("spec"));
        }
        assertThat(trigger("kafka").path("metadata").has("topic"))
                .as("the intake lag is read over every topic the group reads, shared or per team").isFalse();
        JsonNode kafka = trigger("kafka").path("metadata");
        assertThat(kafka.path("consumerGroup").asText())
                .isEqualTo(application.getProperty("mp.messaging.incoming.campaign-batches.group.id"));
        assertThat(kafka.path("bootstrapServers").asText()).isEqualTo(configMap().path("KAFKA_BOOTSTRAP_SERVERS").asText());
        int partitions = find("KafkaTopic", "campaign-batches").path("spec").path("partitions").asInt();
        assertThat(find("ScaledObject", "reelflow").path("spec").path("maxReplicaCount").asInt()).isLessThanOrEqualTo(partitions);
        String cluster = find("KafkaTopic", "campaign-batches").path("metadata").path("labels").path("strimzi.io/cluster").asText();
        assertThat(find("NetworkPolicy", "reelflow").toString()).contains("\"strimzi.io/cluster\":\"" + cluster + "\"");
        assertThat(configMap().path("KAFKA_BOOTSTRAP_SERVERS").asText()).startsWith(cluster + "-kafka-bootstrap");
    }

    /**
     * The principals of k8s/ grant exactly what the local stack's broker enforces in the tests (KafkaAcls, checked
     * against a real authorizer by TeamTopicsIT), the cluster authenticates and authorizes, and the service signs in
     * as its KafkaUser over TLS.
     */
    @Test
    void kafkaUsersGrantWhatTheTestedBrokerEnforces() {
        assertThat(acls(find("KafkaUser", KafkaAcls.SERVICE))).isEqualTo(acls(KafkaAcls.service()));
        assertThat(acls(find("KafkaUser", KafkaAcls.teamPrincipal("acme")))).isEqualTo(acls(KafkaAcls.team("acme")));
        for (JsonNode user : all("KafkaUser")) {
            assertThat(user.path("spec").path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
        }
        JsonNode kafka = find("Kafka", "reelflow").path("spec").path("kafka");
        assertThat(kafka.path("authorization").path("type").asText()).isEqualTo("simple");
        assertThat(kafka.path("listeners")).allSatisfy(l -> {
            assertThat(l.path("tls").asBoolean()).isTrue();
            assertThat(l.path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
        });
        String port = kafka.path("listeners").get(0).path("port").asText();
        assertThat(configMap().path("KAFKA_BOOTSTRAP_SERVERS").asText()).endsWith(":" + port);
        assertThat(trigger("kafka").path("metadata").path("bootstrapServers").asText()).endsWith(":" + port);
        boolean egressToKafka = false;
        for (JsonNode rule : find("NetworkPolicy", "reelflow").path("spec").path("egress")) {
            if (rule.toString().contains("strimzi.io/cluster")) {
                egressToKafka = true;
                assertThat(rule.path("ports").findValuesAsText("port")).as("egress to Kafka").containsExactly(port);
            }
        }
        assertThat(egressToKafka).isTrue();
        assertThat(configMap().path("KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SASL_SSL");
        JsonNode jaas = find("Deployment", "reelflow").path("spec").path("template").path("spec").path("containers")
                .get(0).path("env").findValue("secretKeyRef");
        assertThat(jaas.path("name").asText()).isEqualTo(KafkaAcls.SERVICE);
        assertThat(jaas.path("key").asText()).isEqualTo("sasl.jaas.config");
    }

    private static Set<String> acls(JsonNode kafkaUser) {
        Set<String> out = new TreeSet<>();
        for (JsonNode acl : kafkaUser.path("spec").path("authorization").path("acls")) {
            JsonNode r = acl.path("resource");
            for (JsonNode op : acl.path("operations")) {
                out.add(String.join(" ", r.path("type").asText(), r.path("name").asText(),
                        r.path("patternType").asText("literal"), op.asText()).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static Set<String> acls(List<org.apache.kafka.common.acl.AclBinding> bindings) {
        Set<String> out = new TreeSet<>();
        for (var b : bindings) {
            String pattern = b.pattern().patternType() == org.apache.kafka.common.resource.PatternType.PREFIXED
                    ? "prefix" : "literal";
            out.add(String.join(" ", b.pattern().resourceType().name(), b.pattern().name(), pattern,
                    b.entry().operation().name()).toLowerCase(Locale.ROOT));
        }
        return out;
    }

    @Test
    void everyConfigurationKeyIsOneTheServiceReadsAndNoSecretIsCommitted() throws Exception {
        Set<String> reelflow = new HashSet<>();
        properties(ReelflowConfig.class, "reelflow", reelflow);
        String readme = Files.readString(Path.of("README.md"));
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        List<String> keys = new ArrayList<>();
        configMap().fieldNames().forEachRemaining(keys::add);
        docs.get("config.yaml").get(0).path("data").fieldNames().forEachRemaining(keys::add);
        JsonNode secret = find("Secret", "reelflow-secrets").path("stringData");
        secret.fieldNames().forEachRemaining(keys::add);
        JsonNode compose = docs.get("compose.yaml").get(0).path("services").path("reelflow").path("environment");
        compose.fieldNames().forEachRemaining(keys::add);
        Set<String> readByKeda = new HashSet<>();
        for (JsonNode auth : all("TriggerAuthentication")) {
            for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
                if ("reelflow-secrets".equals(ref.path("name").asText())) {
                    readByKeda.add(ref.path("key").asText());
                }
            }
        }
        for (String key : keys) {
            if (key.startsWith("KEDA_") && readByKeda.contains(key)) {
                continue;
            }
            boolean known = key.startsWith("REELFLOW_") ? reelflow.stream().anyMatch(p -> envPattern(p).matcher(key).matches())
                    : properties.contains("${" + key) || (key.startsWith("QUARKUS_") || key.startsWith("KAFKA_")) && readme.contains(key);
            assertThat(known).as("%s is a setting the service reads (and the README documents)", key).isTrue();
        }
        assertThat(compose.path("REELFLOW_API_KEYS").asText())
                .as("the compose file's key entry is the hash of the key it names").isEqualTo(
                        io.reelflow.api.ApiKeys.entry("studio", "local-dev-key"));
        assertThat(Files.readString(Path.of("docker/compose.yaml"))).contains("\"local-dev-key\"");
        secret.fields().forEachRemaining(e -> assertThat(e.getValue().asText()).as("value of %s in the template", e.getKey()).isEmpty());
        for (JsonNode ref : find("TriggerAuthentication", "reelflow-postgres").path("spec").path("secretTargetRef")) {
            assertThat(ref.path("name").asText()).isEqualTo("reelflow-secrets");
            assertThat(secret.has(ref.path("key").asText())).as("secret key %s", ref.path("key").asText()).isTrue();
        }
        String jdbc = configMap().path("QUARKUS_DATASOURCE_JDBC_URL").asText();
        JsonNode postgres = trigger("postgresql").path("metadata");
        assertThat(jdbc).contains("//" + postgres.path("host").asText() + ":" + postgres.path("port").asText() + "/"
                + postgres.path("dbName").asText());
        assertThat(postgres.path("query").asText()).contains("from job").contains("next_attempt_at");
    }

    @Test
    void theSecurityProfileIsRestrictedAndMatchesTheImage() throws Exception {
        JsonNode pod = find("Deployment", "reelflow").path("spec").path("template").path("spec");
        JsonNode podSecurity = pod.path("securityContext");
        assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSecurity.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        JsonNode security = container().path("securityContext");
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
        String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
        assertThat(dockerfile).contains("USER " + podSecurity.path("runAsUser").asInt());
        // Every path the service writes is under the emptyDir at /tmp.
        assertThat(container().path("volumeMounts").get(0).path("mountPath").asText()).isEqualTo("/tmp");
        assertThat(dockerfile).contains("-Djava.io.tmpdir=/tmp").contains("-Dorg.bytedeco.javacpp.cachedir=/tmp/")
                .contains("REELFLOW_STORAGE_WORK_DIR=/tmp/").contains("REELFLOW_LOCAL_SPOOL_DIR=/tmp/");
        assertThat(container().path("resources").path("limits").path("memory").asText()).isNotEmpty();
        // A stopping relay waits one send timeout (its default, unless the config map sets another) for its last pass.
        java.time.Duration sendTimeout = java.time.Duration.parse(configMap().path("REELFLOW_OUTBOX_SEND_TIMEOUT")
                .asText(io.reelflow.config.ReelflowConfig.Outbox.class.getMethod("sendTimeout")
                        .getAnnotation(io.smallrye.config.WithDefault.class).value()));
        long shutdown = JobWorker.SHUTDOWN_WAIT.plus(sendTimeout).toSeconds();
        assertThat(pod.path("terminationGracePeriodSeconds").asLong()).isGreaterThan(shutdown);
    }

    // -- reading the manifests --------------------------------------------------------------------------------

    private JsonNode container() {
        return find("Deployment", "reelflow").path("spec").path("template").path("spec").path("containers").get(0);
    }

    private JsonNode configMap() {
        return find("ConfigMap", "reelflow-config").path("data");
    }

    private JsonNode trigger(String type) {
        for (JsonNode trigger : find("ScaledObject", "reelflow").path("spec").path("triggers")) {
            if (type.equals(trigger.path("type").asText())) {
                return trigger;
            }
        }
        throw new AssertionError("no " + type + " trigger");
    }

    private List<JsonNode> all(String kind) {
        List<JsonNode> found = new ArrayList<>();
        docs.forEach((file, list) -> {
            if (!file.contains("/") && !Set.of("config.yaml", "resources.yaml", "compose.yaml").contains(file)) {
                list.stream().filter(d -> kind.equals(d.path("kind").asText())).forEach(found::add);
            }
        });
        return found;
    }

    private JsonNode find(String kind, String name) {
        return all(kind).stream().filter(d -> name.equals(d.path("metadata").path("name").asText())).findFirst()
                .orElse(null);
    }

    private JsonNode kustomization(Path dir) throws IOException {
        JsonNode k = docs.get(dir.getFileName() + "/kustomization.yaml") == null ? null
                : docs.get(dir.getFileName() + "/kustomization.yaml").get(0);
        if (k != null) {
            return k;
        }
        // Before validation has run: read just enough of the file (its patches) by hand.
        List<JsonNode> patches = new ArrayList<>();
        Matcher m = Pattern.compile("- path: (\\S+)").matcher(Files.readString(dir.resolve("kustomization.yaml")));
        while (m.find()) {
            patches.add(JSON.createObjectNode().put("path", m.group(1)));
        }
        return JSON.createObjectNode().set("patches", JSON.valueToTree(patches));
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** Every property path of a config mapping, with {@code *} for map keys. */
    private static void properties(Class<?> type, String prefix, Set<String> out) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0) {
                continue;
            }
            WithName named = m.getAnnotation(WithName.class);
            String path = prefix + "." + (named != null ? named.value() : m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                    .toLowerCase(Locale.ROOT));
            Class<?> result = m.getReturnType();
            if (result == Map.class) {
                var value = ((ParameterizedType) m.getGenericReturnType()).getActualTypeArguments()[1];
                if (value instanceof Class<?> c && c.getName().startsWith("io.reelflow")) {
                    properties(c, path + ".*", out);
                } else {
                    out.add(path + ".*");
                }
            } else if (result.isInterface() && result.getName().startsWith("io.reelflow")) {
                properties(result, path, out);
            } else {
                out.add(path);
            }
        }
    }

    private static Pattern envPattern(String property) {
        StringBuilder regex = new StringBuilder();
        for (String part : property.split("\\*", -1)) {
            if (regex.length() > 0) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(part.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
        }
        return Pattern.compile(regex.toString());
    }
}
