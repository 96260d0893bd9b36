package io.reelflow.testkit.providers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import io.reelflow.media.FrameSize;

/**
 * A local server playing Runway's API (https://docs.dev.runwayml.com/api/) for Gen-4.5: every request must carry
 * {@code Authorization: Bearer <key>} and {@code X-Runway-Version: 2024-11-06}. {@code POST /v1/text_to_video} and
 * {@code /v1/image_to_video} take {@code model} ({@code gen4.5}), {@code promptText} (at most 1000 characters),
 * {@code ratio} as pixels ({@code 1280:720}, {@code 720:1280}), {@code duration} (an integer, 2 to 10),
 * {@code seed} and, for image-to-video, {@code promptImage} (a data URI or https URL); the answer is
 * {@code {"id"}}. {@code GET /v1/tasks/{id}} answers {@code PENDING}, {@code RUNNING}, {@code SUCCEEDED} (with
 * {@code output} URLs) or {@code FAILED} with {@code failure} and {@code failureCode}: {@code [nsfw]} is
 * {@code SAFETY.INPUT.TEXT}, {@code [image-refused]} {@code SAFETY.INPUT.IMAGE}. {@code DELETE /v1/tasks/{id}}
 * cancels or deletes a task. Other markers as in {@link TaskStandIn}.
 */
public final class RunwayStandIn extends TaskStandIn {

    public static final String VERSION = "2024-11-06";

    private final String apiKey;
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();

    public RunwayStandIn(String apiKey, Path workDir) throws IOException {
        super(workDir);
        this.apiKey = apiKey;
    }

    /** Tasks Reelflow deleted (after landing) or cancelled. */
    public Set<String> deleted() {
        return Set.copyOf(deleted);
    }

    @Override
    protected void handle(HttpExchange exchange, String path, byte[] body) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") && path.matches("/files/[^/]+\\.mp4")) {
            String id = path.substring("/files/".length(), path.length() - 4);
            if (deleted.contains(id)) {
                json(exchange, 404, Map.of("error", "not found"), Map.of());
                return;
            }
            serveFile(exchange, id);
            return;
        }
        if (!("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            violation(method + " " + path + ": Authorization must be 'Bearer <key>'");
            json(exchange, 401, Map.of("error", "Invalid API key"), Map.of());
            return;
        }
        if (!VERSION.equals(exchange.getRequestHeaders().getFirst("X-Runway-Version"))) {
            violation(method + " " + path + ": X-Runway-Version must be " + VERSION);
            json(exchange, 400, Map.of("error", "Invalid or missing X-Runway-Version header"), Map.of());
            return;
        }
        if (method.equals("POST") && (path.equals("/v1/text_to_video") || path.equals("/v1/image_to_video"))) {
            create(exchange, path.equals("/v1/image_to_video"), body);
        } else if (method.equals("GET") && path.matches("/v1/tasks/[^/]+")) {
            task(exchange, path.substring("/v1/tasks/".length()));
        } else if (method.equals("DELETE") && path.matches("/v1/tasks/[^/]+")) {
            String id = path.substring("/v1/tasks/".length());
            if (tasks.containsKey(id)) {
                deleted.add(id);
                send(exchange, 204, "application/json", new byte[0], Map.of());
            } else {
                json(exchange, 404, Map.of("error", "Task not found"), Map.of());
            }
        } else {
            violation(method + " " + path);
            json(exchange, 404, Map.of("error", "Not found"), Map.of());
        }
    }

    private void create(HttpExchange exchange, boolean image, byte[] raw) throws IOException {
        JsonNode body = JSON.readTree(raw);
        String prompt = body.path("promptText").asText("");
        Map<String, Object> details = details(body, "promptImage");
        details.put("kind", image ? "image_to_video" : "text_to_video");
        Fields fields = new Fields(image ? "image_to_video" : "text_to_video", body, image
                ? Set.of("model", "promptText", "promptImage", "ratio", "duration", "seed", "contentModeration")
                : Set.of("model", "promptText", "ratio", "duration", "seed", "contentModeration"))
                .text("model", true, Set.of("gen4.5")).text("promptText", true, null)
                .text("ratio", true, Set.of("1280:720", "720:1280")).integer("duration", true, 2, 10)
                .integer("seed", false, 0, 4294967295L);
        if (image) {
            fields.image("promptImage", true, false, details);
        }
        if (prompt.length() > 1000) {
            violation("promptText is longer than 1000 characters");
        }
        String invalid = fields.problems();
        if (invalid != null) {
            recordCreate(new CreateCall(prompt, 400, null, details));
            json(exchange, 400, Map.of("error", invalid), Map.of());
            return;
        }
        if (rateLimitFirst(prompt)) {
            recordCreate(new CreateCall(prompt, 429, null, details));
            json(exchange, 429, Map.of("error", "You have exceeded the rate limit"), Map.of("Retry-After", "2"));
            return;
        }
        String[] ratio = body.path("ratio").asText().split(":");
        Task task = newTask("task", "gen4.5", prompt, new FrameSize(Integer.parseInt(ratio[0]),
                Integer.parseInt(ratio[1])), body.path("duration").asInt(), null, Map.of());
        recordCreate(new CreateCall(prompt, 200, task.id(), details));
        if (prompt.contains("[reset]")) {
            exchange.close();
            return;
        }
        json(exchange, 200, Map.of("id", task.id()), Map.of());
    }

    private void task(HttpExchange exchange, String id) throws IOException {
        Task task = tasks.get(id);
        if (task == null || deleted.contains(id)) {
            json(exchange, 404, Map.of("error", "Task not found"), Map.of());
            return;
        }
        read(id);
        if (flakyRead(task)) {
            json(exchange, 500, Map.of("error", "Internal server error"), Map.of());
            return;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("createdAt", task.createdAt().toString());
        if (!task.done()) {
            r.put("status", task.reads().get() > 0 ? "RUNNING" : "PENDING");
            r.put("progress", 0.5);
        } else if (task.marked("nsfw")) {
            r.put("status", "FAILED");
            r.put("failure", "The prompt text did not pass content moderation.");
            r.put("failureCode", "SAFETY.INPUT.TEXT");
        } else if (task.marked("image-refused")) {
            r.put("status", "FAILED");
            r.put("failure", "The input image did not pass content moderation.");
            r.put("failureCode", "SAFETY.INPUT.IMAGE");
        } else {
            r.put("status", "SUCCEEDED");
            r.put("output", List.of(baseUrl() + "/files/" + id + ".mp4"));
        }
        json(exchange, 200, r, Map.of());
    }
}
