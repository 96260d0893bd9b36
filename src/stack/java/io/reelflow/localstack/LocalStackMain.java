package io.reelflow.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local stack on its own for development: writes the service environment to
 * {@code reelflow-data/local-stack.env} and keeps the stack up until interrupted (Ctrl-C).
 */
public final class LocalStackMain {

    private LocalStackMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of("reelflow-data").toAbsolutePath();
        LocalStack stack = LocalStack.start(new LocalStack.Options(data, "reelflow_dev", false));
        Map<String, String> env = new TreeMap<>(stack.serviceEnvironment());
        env.put("REELFLOW_LOCAL_SPOOL_DIR", data.resolve("local-provider").toString());
        StringBuilder file = new StringBuilder("# Written by the Reelflow local stack; valid while it runs. It holds the"
                + " stack's generated credentials: readable by its owner only.\n");
        // Single-quoted for the shell: the Kafka JAAS line holds spaces and double quotes.
        env.forEach((k, v) -> file.append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
        Path envFile = data.resolve("local-stack.env");
        Files.deleteIfExists(envFile);
        Files.createFile(envFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(envFile, file);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }));
        System.out.println("Local stack up; environment for the service in " + envFile);
        System.out.println("In another terminal: set -a; . " + envFile + "; set +a; ./mvnw quarkus:dev");
        stopped.await();
    }
}
