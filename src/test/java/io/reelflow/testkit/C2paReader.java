package io.reelflow.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads content credentials with two implementations Reelflow's writer shares no code with, pinned in
 * {@code src/test/c2pa} and run by Node (see {@code read-credentials.mjs}): the C2PA reference implementation
 * (c2pa-rs built to WebAssembly: {@code state} {@code Trusted}, {@code Valid} or {@code Invalid}, {@code failures},
 * {@code successes}, the active {@code manifest}) and c2pa-ts ({@code c2paTs.valid} and its status codes).
 */
public final class C2paReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCE = Path.of("src/test/c2pa");
    private static final Path HOME = Path.of("target/c2pa");

    private C2paReader() {
    }

    /** Reads every file; {@code trustAnchors} (PEM, may be null) are the roots the reader trusts. */
    public static List<JsonNode> read(Path trustAnchors, Path... files) throws IOException, InterruptedException {
        Path home = NodePackages.install(SOURCE, HOME, "node_modules/@trustnxt/c2pa-ts/package.json");
        Files.copy(SOURCE.resolve("read-credentials.mjs"), home.resolve("read-credentials.mjs"),
                StandardCopyOption.REPLACE_EXISTING);
        List<String> command = new ArrayList<>(List.of("node", "read-credentials.mjs"));
        for (Path file : files) {
            command.add(file.toAbsolutePath().toString());
        }
        ProcessBuilder node = new ProcessBuilder(command).directory(home.toFile());
        if (trustAnchors != null) {
            node.environment().put("TRUST_ANCHORS", trustAnchors.toAbsolutePath().toString());
        }
        Path log = Files.createTempFile(home, "read-", ".log");
        node.redirectErrorStream(true).redirectOutput(log.toFile());
        Process run = node.start();
        if (!run.waitFor(2, TimeUnit.MINUTES) || run.exitValue() != 0) {
            run.destroyForcibly();
            throw new IllegalStateException("the C2PA reader failed: " + Files.readString(log));
        }
        List<JsonNode> results = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("{")) {
                results.add(JSON.readTree(line));
            }
        }
        Files.deleteIfExists(log);
        if (results.size() != files.length) {
            throw new IllegalStateException("the C2PA reader answered for " + results.size() + " of " + files.length
                    + " files");
        }
        return results;
    }

    /** Reads one file. */
    public static JsonNode read(Path trustAnchors, Path file) throws IOException, InterruptedException {
        return read(trustAnchors, new Path[] { file }).get(0);
    }
}
