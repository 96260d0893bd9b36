package io.reelflow.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads the local provider's own record of the create calls it received (one file per call). */
public final class LocalProviderSpool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalProviderSpool() {
    }

    /**
     * Writes the provider's record of a create call for {@code job}, as the local provider does when it
     * accepts one; returns the provider's job id.
     */
    public static String recordCreateCall(Path spoolDir, String reference, java.util.Map<String, Object> job)
            throws IOException {
        String id = "local_" + java.util.UUID.randomUUID();
        com.fasterxml.jackson.databind.node.ObjectNode record = JSON.createObjectNode();
        java.time.Instant now = java.time.Instant.now();
        record.put("id", id);
        record.put("reference", reference);
        record.put("model", (String) job.get("model"));
        record.put("prompt", (String) job.get("prompt"));
        record.put("seconds", ((Number) job.get("seconds")).intValue());
        record.put("width", ((Number) job.get("width")).intValue());
        record.put("height", ((Number) job.get("height")).intValue());
        record.put("createdAt", now.toString());
        record.put("readyAt", now.toString());
        Files.createDirectories(spoolDir.resolve("jobs"));
        JSON.writeValue(spoolDir.resolve("jobs").resolve(id + ".json").toFile(), record);
        return id;
    }

    /** The job reference (Reelflow's job id) of every create call received, one entry per call. */
    public static List<String> createCalls(Path spoolDir) throws IOException {
        Path jobs = spoolDir.resolve("jobs");
        List<String> references = new ArrayList<>();
        if (!Files.isDirectory(jobs)) {
            return references;
        }
        try (Stream<Path> files = Files.list(jobs)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode job = JSON.readTree(file.toFile());
                references.add(job.path("reference").asText());
            }
        }
        return references;
    }

    /** When each accepted create call started and when its result was ready, oldest first. */
    public static List<java.time.Instant[]> runs(Path spoolDir) throws IOException {
        List<java.time.Instant[]> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(spoolDir.resolve("jobs"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode job = JSON.readTree(file.toFile());
                runs.add(new java.time.Instant[] {java.time.Instant.parse(job.path("createdAt").asText()),
                    java.time.Instant.parse(job.path("readyAt").asText())});
            }
        }
        runs.sort(java.util.Comparator.comparing(r -> r[0]));
        return runs;
    }
}
