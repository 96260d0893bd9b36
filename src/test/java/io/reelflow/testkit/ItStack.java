package io.reelflow.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.reelflow.localstack.LocalStack;
import io.reelflow.localstack.ServiceProcess;

/** One integration test class's world: its own local stack, database, provider spool and service logs. */
public final class ItStack implements AutoCloseable {

    public final LocalStack stack;
    public final Path dir;
    public final Path spool;
    public final Storage storage;
    public final Database db;

    public ItStack(Class<?> testClass) throws Exception {
        this(testClass, false);
    }

    /** With {@code restartable}, every part of the stack runs embedded so that the test can restart it. */
    public ItStack(Class<?> testClass, boolean restartable) throws Exception {
        this.dir = Path.of("target", "it", testClass.getSimpleName()).toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        String database = "reelflow_it_" + testClass.getSimpleName().toLowerCase(Locale.ROOT) + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        this.stack = LocalStack.start(new LocalStack.Options(dir, database, true, restartable));
        this.spool = dir.resolve("local-provider");
        this.storage = new Storage(stack);
        this.db = new Database(stack);
    }

    /** Service environment with this stack's endpoints and the given overrides. */
    public Map<String, String> serviceEnv(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
        env.put("REELFLOW_LOCAL_SPOOL_DIR", spool.toString());
        env.put("REELFLOW_STORAGE_WORK_DIR", dir.resolve("work").toString());
        // Every stored video carries content credentials, signed under a throwaway root the tests can trust.
        env.put("REELFLOW_CREDENTIALS_THROWAWAY", "true");
        env.put("REELFLOW_CREDENTIALS_THROWAWAY_ROOT_FILE", credentialsRoot().toString());
        env.putAll(overrides);
        return env;
    }

    /** Where the services of this stack write the throwaway root their content credentials are signed under. */
    public Path credentialsRoot() {
        return dir.resolve("credentials-root.pem").toAbsolutePath();
    }

    public ServiceProcess service(String name, Map<String, String> overrides) {
        return new ServiceProcess(serviceEnv(overrides), dir.resolve("logs").resolve(name + ".log"));
    }

    @Override
    public void close() {
        storage.close();
        stack.close();
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static Map<String, String> env(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
