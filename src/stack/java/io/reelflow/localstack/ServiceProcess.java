package io.reelflow.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged Reelflow service ({@code target/quarkus-app/quarkus-run.jar}) run as a child process, the way
 * it runs in production, so that it can be stopped, killed and started again.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Path jar;
    private final Map<String, String> env;
    private final Path log;
    private final int port;
    private final List<String> jvmOptions = new ArrayList<>();
    private Process process;

    public ServiceProcess(Map<String, String> env, Path log) {
        this.jar = Path.of(System.getProperty("reelflow.service.jar", "target/quarkus-app/quarkus-run.jar"));
        this.env = new HashMap<>(env);
        this.log = log;
        this.port = Ports.free();
        this.env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    }

    /** Adds an environment variable before the service starts (one that needs {@link #baseUrl()}, say). */
    public ServiceProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** JVM options for the service process (an {@code -Xmx} replaces the default 512 MB heap). */
    public ServiceProcess jvmOptions(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /**
     * Media work below decisions and create calls: Java priorities 4 and 1 as nice 10 and 19
     * (io.reelflow.background.MediaThreads); the priorities above the normal one stay at nice 0, so the JVM's own
     * threads run as they do for the container image's non-root user, who may not raise a priority.
     */
    public static final List<String> PRIORITIES = List.of("-XX:ThreadPriorityPolicy=1",
            "-XX:JavaPriority1_To_OSPriority=19", "-XX:JavaPriority4_To_OSPriority=10",
            "-XX:JavaPriority6_To_OSPriority=0", "-XX:JavaPriority7_To_OSPriority=0",
            "-XX:JavaPriority8_To_OSPriority=0", "-XX:JavaPriority9_To_OSPriority=0",
            "-XX:JavaPriority10_To_OSPriority=0");

    /** Starts the service and waits until it reports ready. */
    public ServiceProcess start() throws IOException, InterruptedException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no packaged service at " + jar + "; run ./mvnw package first");
        }
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Xmx"))) {
            command.add("-Xmx512m");
        }
        command.addAll(jvmOptions);
        command.add("-XX:+UseSerialGC");
        command.addAll(PRIORITIES);
        command.addAll(List.of("-Djava.awt.headless=true", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        process = builder.start();
        Process started = process;
        // A test JVM that dies without closing this service must not leave it running.
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        awaitReady(Duration.ofSeconds(90));
        return this;
    }

    /** The file the service's output goes to. */
    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Graceful stop (SIGTERM), as Kubernetes does. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Sudden death (SIGKILL): no shutdown hook runs. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + " while starting; see "
                        + log);
            }
            try {
                HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("service not ready after " + timeout + " (" + last + "); see " + log);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
