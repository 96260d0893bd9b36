package io.reelflow.demo;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.LocalStack;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.Storage;

/**
 * The demo behind the README's first command: brings up the local stack and the packaged service, submits
 * the sample campaign on {@code campaign-batches}, shows progress from {@code video-events}, and prints
 * where the drafts and the manifest are.
 */
public final class DemoMain {

    private static final Path DATA = Path.of("reelflow-data");
    private static final Duration TIMEOUT = Duration.ofMinutes(8);

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        ObjectMapper json = new ObjectMapper();
        ObjectNode batch;
        try (InputStream in = DemoMain.class.getResourceAsStream("/samples/spring-launch.json")) {
            batch = (ObjectNode) json.readTree(in);
        }
        String batchId = "spring-launch-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        batch.put("batchId", batchId);
        String team = batch.get("team").asText();
        int shots = batch.get("shots").size();

        say("Starting the local stack (Kafka, PostgreSQL, S3) ...");
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(DATA.toAbsolutePath(), "reelflow_demo", false))) {
            Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
            env.put("REELFLOW_LOCAL_SPOOL_DIR", DATA.resolve("local-provider").toAbsolutePath().toString());
            env.put("REELFLOW_LOCAL_LATENCY", "PT3S");
            env.put("REELFLOW_WORKER_CONCURRENCY", "2");
            Path log = DATA.resolve("logs/service.log").toAbsolutePath();
            say("Starting the Reelflow service (log: " + log + ") ...");
            try (ServiceProcess service = new ServiceProcess(env, log).start();
                    EventStream events = EventStream.open(stack.kafkaBootstrapServers(), "video-events");
                    Storage storage = new Storage(stack)) {
                say("Service ready at " + service.baseUrl() + ". Submitting " + shots + " shots as batch " + batchId
                        + " on campaign-batches.");
                Kafka.send(stack.kafkaBootstrapServers(), "campaign-batches", team + "/" + batchId,
                        json.writeValueAsString(batch));

                Progress progress = new Progress(shots);
                JsonNode drafted = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                        e -> {
                            progress.on(e);
                            return "BatchDrafted".equals(e.path("type").asText());
                        }, TIMEOUT);
                if (drafted == null) {
                    throw new IllegalStateException("the batch was not drafted within " + TIMEOUT);
                }
                progress.finish();

                String manifestKey = drafted.path("manifestKey").asText();
                JsonNode manifest = json.readTree(storage.get(manifestKey));
                say("");
                say(String.format(Locale.ROOT, "%-20s %-9s %-10s %-5s %-10s %s", "shot", "state", "size", "sec",
                        "sha256", "draft"));
                for (JsonNode shot : manifest.path("shots")) {
                    JsonNode job = shot.path("jobs").path(0);
                    say(String.format(Locale.ROOT, "%-20s %-9s %-10s %-5s %-10s %s", shot.path("shotId").asText(),
                            job.path("state").asText(), job.path("size").asText(),
                            String.format(Locale.ROOT, "%.2f", job.path("probedSeconds").asDouble()),
                            abbreviate(job.path("sha256").asText("-"), 10),
                            storage.location(job.path("objectKey").asText())));
                }
                say("");
                say("Manifest: " + storage.location(manifestKey));
                say("Drafts:   " + storage.location(manifestKey.replace("manifest.json", "")));
                say(String.format(Locale.ROOT, "Done in %.1f s.", (System.nanoTime() - started) / 1e9));
            }
        }
    }

    private static String abbreviate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }

    private static void say(String line) {
        System.out.println(line);
    }

    /** Draws a progress bar of drafts landed and failed from the batch's events. */
    private static final class Progress {
        private final int total;
        private int landed;
        private int failed;

        Progress(int total) {
            this.total = total;
        }

        void on(JsonNode event) {
            String type = event.path("type").asText();
            switch (type) {
                case "BatchAccepted" -> say("  accepted: " + event.path("shots").asInt() + " shots, draft model "
                        + event.path("draftModel").asText());
                case "DraftReady" -> {
                    landed++;
                    draw(event.path("shotId").asText() + " landed");
                }
                case "ShotFailed" -> {
                    failed++;
                    draw(event.path("shotId").asText() + " failed: " + event.path("reason").asText());
                }
                case "BatchDrafted" -> say("  batch drafted: " + event.path("draftsLanded").asInt() + " landed, "
                        + event.path("draftsFailed").asInt() + " failed");
                default -> {
                }
            }
        }

        void draw(String note) {
            int width = 30;
            int done = (landed + failed) * width / total;
            say(String.format(Locale.ROOT, "  [%s%s] %2d/%d drafts  %s", "#".repeat(done), ".".repeat(width - done),
                    landed + failed, total, note));
        }

        void finish() {
            if (failed > 0) {
                say("  " + failed + " draft(s) failed; see the manifest for the reasons");
            }
        }
    }

}
