package io.reelflow.demo;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
    private static final Duration TIMEOUT = Duration.ofMinutes(20);
    /** The sample shot reviewed by a person; the others use the auto-qc policy. */
    private static final String MANUAL_SHOT = "s03-rooftop-toast";
    private static final String REFERENCE_SHOT = "s04-product-hero";
    private static final double APPROVED_FROM_SECOND = 1.5;

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        ObjectMapper json = new ObjectMapper();
        ObjectNode batch;
        try (InputStream in = DemoMain.class.getResourceAsStream("/samples/spring-launch.json")) {
            batch = (ObjectNode) json.readTree(in);
        }
        // The product shot starts from the brand's own packshot, shipped with the samples.
        try (InputStream png = DemoMain.class.getResourceAsStream("/samples/" + REFERENCE_SHOT + ".png")) {
            for (JsonNode shot : batch.get("shots")) {
                if (REFERENCE_SHOT.equals(shot.path("shotId").asText())) {
                    ((ObjectNode) shot).putObject("referenceImage").put("url", "data:image/png;base64,"
                            + java.util.Base64.getEncoder().encodeToString(png.readAllBytes()));
                }
            }
        }
        // The brand's logo, shipped with the samples, goes on every placement file and the end card.
        try (InputStream png = DemoMain.class.getResourceAsStream("/samples/acme-logo.png")) {
            ((ObjectNode) batch.get("brand")).putObject("logo").put("url", "data:image/png;base64,"
                    + java.util.Base64.getEncoder().encodeToString(png.readAllBytes())).put("corner", "top-right");
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
            // The demo's videos carry content credentials signed under a throwaway root kept beside them.
            env.put("REELFLOW_CREDENTIALS_THROWAWAY", "true");
            env.put("REELFLOW_CREDENTIALS_THROWAWAY_ROOT_FILE", DATA.resolve("credentials-root.pem").toAbsolutePath()
                    .toString());
            Path log = DATA.resolve("logs/service.log").toAbsolutePath();
            say("Starting the Reelflow service (log: " + log + ") ...");
            try (ServiceProcess service = new ServiceProcess(env, log).start();
                    EventStream events = EventStream.open(stack.kafka(), "video-events");
                    Storage storage = new Storage(stack)) {
                say("Service ready at " + service.baseUrl() + ". Submitting " + shots + " shots as batch " + batchId
                        + " on campaign-batches.");
                Kafka.send(stack.kafka(), "campaign-batches", team + "/" + batchId,
                        json.writeValueAsString(batch));

                Progress progress = new Progress(batchId, shots);
                JsonNode delivered = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()), e -> {
                    progress.on(e);
                    reviewAsAPerson(e, batch, json, stack.kafka());
                    return "BatchDelivered".equals(e.path("type").asText());
                }, TIMEOUT);
                if (delivered == null) {
                    throw new IllegalStateException("the batch was not delivered within " + TIMEOUT);
                }

                String manifestKey = delivered.path("manifestKey").asText();
                JsonNode manifest = json.readTree(storage.get(manifestKey));
                say("");
                say(String.format(Locale.ROOT, "%-20s %-10s %-9s %-10s %-5s %-7s %-5s %s", "shot", "state", "reviewer",
                        "final", "sec", "look", "ssim", "final file / contact sheet"));
                for (JsonNode shot : manifest.path("shots")) {
                    JsonNode finalJob = null;
                    for (JsonNode job : shot.path("jobs")) {
                        if ("final".equals(job.path("stage").asText())) {
                            finalJob = job;
                        }
                    }
                    JsonNode decisions = shot.path("decisions");
                    String reviewer = decisions.isEmpty() ? "-"
                            : decisions.get(decisions.size() - 1).path("reviewer").asText();
                    say(String.format(Locale.ROOT, "%-20s %-10s %-9s %-10s %-5s %-7s %-5s %s", shot.path("shotId").asText(),
                            shot.path("state").asText(), abbreviate(reviewer, 9),
                            finalJob == null ? "-" : finalJob.path("size").asText(),
                            finalJob == null ? "-"
                                    : String.format(Locale.ROOT, "%.1f", finalJob.path("probedSeconds").asDouble()),
                            finalJob == null ? "-" : finalJob.path("look").asText("-"),
                            finalJob == null || !finalJob.has("startFrameSsim") ? "-"
                                    : String.format(Locale.ROOT, "%.2f", finalJob.path("startFrameSsim").asDouble()),
                            finalJob == null ? "-" : storage.location(finalJob.path("objectKey").asText())));
                    if (finalJob != null && finalJob.has("contactSheetKey")) {
                        say(String.format(Locale.ROOT, "%-68s %s", "", storage.location(finalJob.path(
                                "contactSheetKey").asText())));
                    }
                }
                say("");
                say("Deliverables (cut from the masters above; loudness and true peak measured on each file):");
                say(String.format(Locale.ROOT, "%-20s %-9s %-10s %-6s %-10s %-9s %s", "shot", "placement", "size",
                        "sec", "loudness", "peak", "captions"));
                for (JsonNode shot : manifest.path("shots")) {
                    for (JsonNode d : shot.path("deliverables")) {
                        say(String.format(Locale.ROOT, "%-20s %-9s %-10s %-6.1f %-10s %-9s %s",
                                shot.path("shotId").asText(), d.path("placement").asText(), d.path("size").asText("-"),
                                d.path("seconds").asDouble(), String.format(Locale.ROOT, "%.1f LUFS",
                                        d.path("integratedLufs").asDouble()),
                                String.format(Locale.ROOT, "%.1f dBTP", d.path("truePeakDbtp").asDouble()),
                                d.has("vttKey") && !d.path("vttKey").isNull() ? ".vtt .srt" : "-"));
                    }
                }
                say("");
                say("Manifest:       " + storage.location(manifestKey));
                say("Deliverables:   " + storage.location(manifestKey.replace("manifest.json", ""))
                        + "/{shot}/deliverables/{placement}.mp4 (.vtt, .srt)");
                say("Drafts, finals: " + storage.location(manifestKey.replace("manifest.json", "")));
                say("Prompt library: " + storage.location(team + "/" + batch.get("campaign").asText()
                        + "/prompt-library.csv") + " (and .json)");
                say("Every video carries content credentials (C2PA) signed with a throwaway certificate; its root: "
                        + DATA.resolve("credentials-root.pem").toAbsolutePath());
                say(String.format(Locale.ROOT, "Done in %.1f s.", (System.nanoTime() - started) / 1e9));
            }
        }
    }

    /**
     * Plays the art director for the one shot the sample leaves to people: asks for a revision of its first
     * draft, then approves the second.
     */
    private static void reviewAsAPerson(JsonNode event, ObjectNode batch, ObjectMapper json, io.reelflow.localstack.KafkaAccess kafka) {
        if (!"DraftReady".equals(event.path("type").asText()) || !MANUAL_SHOT.equals(event.path("shotId").asText())) {
            return;
        }
        int revision = event.path("revision").asInt();
        ObjectNode decision = json.createObjectNode();
        decision.put("decisionId", "demo-" + event.path("jobId").asText());
        decision.put("team", batch.get("team").asText());
        decision.put("campaign", batch.get("campaign").asText());
        decision.put("batchId", batch.get("batchId").asText());
        decision.put("shotId", MANUAL_SHOT);
        decision.put("revision", revision);
        decision.put("reviewer", "art-director");
        if (revision == 1) {
            decision.put("decision", "revise");
            decision.put("revisedPrompt", "Low-angle slow orbit around four friends raising glasses on a city rooftop "
                    + "at golden hour, warm string lights behind them, shallow depth of field; laughter, glasses "
                    + "clinking, a distant tram bell.");
            decision.put("note", "warmer light and a slower orbit");
        } else {
            decision.put("decision", "approve");
            // The final starts from the moment of the draft the art director liked best.
            decision.put("fromSecond", APPROVED_FROM_SECOND);
            decision.put("note", "the warmer take works, from the raised glasses at " + APPROVED_FROM_SECOND + " s");
        }
        try {
            Kafka.send(kafka, "draft-reviews", batch.get("team").asText() + "/" + batch.get("batchId").asText() + "/"
                    + MANUAL_SHOT, json.writeValueAsString(decision));
        } catch (Exception e) {
            throw new IllegalStateException("could not send the review decision", e);
        }
        say("  art-director: " + decision.get("decision").asText() + " " + MANUAL_SHOT + " revision " + revision
                + (decision.has("fromSecond") ? " from " + APPROVED_FROM_SECOND + " s" : ""));
    }

    private static String abbreviate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }

    private static void say(String line) {
        System.out.println(line);
    }

    /** Draws a batch's progress bars, drafts landed and shots closed, from its events. */
    private static final class Progress {
        private final String batchId;
        private final int total;
        private int drafts;
        private int closed;

        Progress(String batchId, int total) {
            this.batchId = batchId;
            this.total = total;
        }

        void on(JsonNode event) {
            String shot = event.path("shotId").asText();
            switch (event.path("type").asText()) {
                case "BatchAccepted" -> say("  accepted: " + event.path("shots").asInt() + " shots, review policy "
                        + event.path("reviewPolicy").asText() + ", draft model " + event.path("draftModel").asText());
                case "DraftReady" -> {
                    if (event.path("revision").asInt() == 1) {
                        drafts++;
                    }
                    draw(shot + " draft r" + event.path("revision").asInt() + " landed");
                }
                case "ShotReviewed" -> {
                    if ("reject".equals(event.path("decision").asText())) {
                        closed++;
                    }
                    draw(shot + " r" + event.path("revision").asInt() + " " + event.path("decision").asText()
                            + " by " + event.path("reviewer").asText());
                }
                case "FinalReady" -> {
                    if ("DELIVERED".equals(event.path("shotState").asText())) {
                        closed++;
                    }
                    draw(shot + " final landed (" + event.path("size").asText() + ", " + event.path("look").asText()
                            + (event.has("startFrameSsim") ? String.format(Locale.ROOT, ", start-frame SSIM %.2f",
                                    event.path("startFrameSsim").asDouble()) : "") + ")");
                }
                case "ShotDelivered" -> {
                    closed++;
                    List<String> made = new ArrayList<>();
                    event.path("deliverables").forEach(d -> made.add(d.path("placement").asText()));
                    draw(shot + " delivered: " + String.join(", ", made));
                }
                case "ShotFailed" -> {
                    closed++;
                    if ("draft".equals(event.path("stage").asText())) {
                        drafts++;
                    }
                    draw(shot + " failed: " + event.path("reason").asText());
                }
                case "BatchDrafted" -> say("  all drafts closed: " + event.path("draftsLanded").asInt() + " landed, "
                        + event.path("draftsFailed").asInt() + " failed");
                case "BatchDelivered" -> say("  batch delivered: " + event.path("delivered").asInt() + " finals, "
                        + event.path("rejected").asInt() + " rejected, " + event.path("failed").asInt() + " failed");
                default -> {
                }
            }
        }

        private void draw(String note) {
            say(String.format(Locale.ROOT, "  %s  drafts [%s] %2d/%d  shots closed [%s] %2d/%d  %s", batchId,
                    bar(drafts), drafts, total, bar(closed), closed, total, note));
        }

        private String bar(int done) {
            int width = 20;
            int filled = done * width / total;
            return "#".repeat(filled) + ".".repeat(width - filled);
        }
    }
}
