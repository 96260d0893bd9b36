package io.reelflow.testkit.providers;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;


import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import io.reelflow.media.FrameSize;

/**
 * What the task-shaped stand-ins (Kling, fal.ai, Runway) share: tasks that finish a second after they are made
 * (never, with {@code [stuck]}), a check of every request's fields against the provider's published types, and the
 * prompt markers they play:
 * <ul>
 * <li>{@code [nsfw]}: the prompt is refused by moderation, as the provider refuses;
 * <li>{@code [image-refused]}: the first frame is refused by moderation (where the provider says so);
 * <li>{@code [ratelimit]}: the first create answers 429 with {@code Retry-After: 2};
 * <li>{@code [flaky]}: the first two reads of the task answer 500;
 * <li>{@code [reset]}: the task is made, then the connection is dropped before the answer (a lost answer);
 * <li>{@code [lost]}: the connection is dropped before anything is made (the create never arrived), and
 * {@code [busy]}: every create answers a refusal for capacity, where the stand-in plays them (Kling);
 * <li>{@code [expired]}: the result's file is gone (404);
 * <li>{@code [short]}: a 4-second clip is delivered whatever was asked; {@code [upscaled]}: a 1920x1080 one.
 * </ul>
 */
public abstract class TaskStandIn extends StandInServer {

    /** One task as the provider keeps it. */
    protected record Task(String id, String kind, String model, String prompt, FrameSize size, int seconds,
            Instant createdAt, Instant readyAt, String callback, AtomicInteger reads, Map<String, Object> request) {

        boolean done() {
            return !Instant.now().isBefore(readyAt);
        }

        boolean marked(String marker) {
            return prompt.contains("[" + marker + "]");
        }

        /** The clip served: what was asked, unless a marker says otherwise. */
        FrameSize servedSize() {
            return marked("upscaled") ? new FrameSize(1920, 1080) : size;
        }

        int servedSeconds() {
            return marked("short") ? 4 : seconds;
        }
    }

    protected final Map<String, Task> tasks = new ConcurrentHashMap<>();
    protected final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> webhookAnswers = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> rateLimited = ConcurrentHashMap.newKeySet();
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
    private final List<String> reads = Collections.synchronizedList(new ArrayList<>());

    protected TaskStandIn(Path workDir) throws IOException {
        super(workDir);
    }

    /** Requests that did not follow the provider's published shapes. */
    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** HTTP statuses Reelflow answered to the webhooks sent to it. */
    public List<Integer> webhookAnswers() {
        synchronized (webhookAnswers) {
            return List.copyOf(webhookAnswers);
        }
    }

    /** Every task read ({@code GET} of a task or its status), in order, as {@code <id>@<millis>}. */
    public List<String> reads() {
        synchronized (reads) {
            return List.copyOf(reads);
        }
    }

    protected void violation(String what) {
        violations.add(what);
    }

    protected void webhookAnswered(int status) {
        webhookAnswers.add(status);
    }

    protected void read(String id) {
        reads.add(id + "@" + System.currentTimeMillis());
    }

    /** Whether this create is the first of its prompt to be answered 429 ({@code [ratelimit]}). */
    protected boolean rateLimitFirst(String prompt) {
        return prompt.contains("[ratelimit]") && rateLimited.add(prompt);
    }

    /** Whether this create's connection is dropped before anything is made ({@code [lost]}, once per prompt). */
    protected boolean dropBeforeCreate(String prompt) {
        return prompt.contains("[lost]") && dropped.add(prompt);
    }

    /** Whether this create is refused for capacity ({@code [busy]}). */
    protected boolean busy(String prompt) {
        return prompt.contains("[busy]");
    }

    /** Whether a read of the task fails with a server error ({@code [flaky]}: its first two). */
    protected boolean flakyRead(Task task) {
        return task.marked("flaky") && task.reads().incrementAndGet() <= 2;
    }

    protected Task newTask(String kind, String model, String prompt, FrameSize size, int seconds, String callback,
            Map<String, Object> request) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        Task task = new Task(id, kind, model, prompt, size, seconds, now,
                prompt.contains("[stuck]") ? Instant.MAX : now.plusMillis(1000), callback, new AtomicInteger(), request);
        tasks.put(id, task);
        return task;
    }

    /** Serves a task's file: a real MP4 of its size and length, or 404 when {@code [expired]}. */
    protected void serveFile(HttpExchange exchange, String id) throws IOException {
        Task task = tasks.get(id);
        if (task == null || task.marked("expired") || !task.done()) {
            json(exchange, 404, Map.of("error", "not found"), Map.of());
            return;
        }
        serveVideo(exchange, id, task.prompt(), task.servedSize(), task.servedSeconds());
    }

    /** Checks the fields of {@code body} against their published types, noting each mismatch. */
    protected final class Fields {
        private final String where;
        private final JsonNode body;
        private final List<String> problems = new ArrayList<>();

        public Fields(String where, JsonNode body, Set<String> allowed) {
            this.where = where;
            this.body = body;
            body.fieldNames().forEachRemaining(name -> {
                if (!allowed.contains(name)) {
                    problems.add(where + ": unknown field '" + name + "'");
                }
            });
        }

        public Fields text(String name, boolean required, Set<String> values) {
            JsonNode value = body.path(name);
            if (value.isMissingNode()) {
                if (required) {
                    problems.add(where + ": " + name + " is required");
                }
            } else if (!value.isTextual()) {
                problems.add(where + ": " + name + " must be a string, was " + value.getNodeType());
            } else if (values != null && !values.contains(value.asText())) {
                problems.add(where + ": " + name + " must be one of " + values + ", was '" + value.asText() + "'");
            }
            return this;
        }

        public Fields integer(String name, boolean required, long min, long max) {
            JsonNode value = body.path(name);
            if (value.isMissingNode()) {
                if (required) {
                    problems.add(where + ": " + name + " is required");
                }
            } else if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
                problems.add(where + ": " + name + " must be an integer from " + min + " to " + max + ", was " + value);
            }
            return this;
        }

        public Fields bool(String name) {
            JsonNode value = body.path(name);
            if (!value.isMissingNode() && !value.isBoolean()) {
                problems.add(where + ": " + name + " must be a boolean, was " + value);
            }
            return this;
        }

        /** A picture sent as a data URL (or, with {@code rawBase64}, as bare base64): it must decode to its type. */
        public Fields image(String name, boolean required, boolean rawBase64, Map<String, Object> details) {
            JsonNode value = body.path(name);
            if (value.isMissingNode()) {
                if (required) {
                    problems.add(where + ": " + name + " is required");
                }
                return this;
            }
            String text = value.asText("");
            try {
                byte[] bytes;
                String declared = "";
                if (rawBase64) {
                    if (text.startsWith("data:")) {
                        problems.add(where + ": " + name + " must be bare base64, without a data: prefix");
                        return this;
                    }
                    bytes = Base64.getDecoder().decode(text);
                } else {
                    if (!text.startsWith("data:") || !text.contains(";base64,")) {
                        problems.add(where + ": " + name + " must be a data URL or an https URL");
                        return this;
                    }
                    declared = text.substring(5, text.indexOf(";base64,"));
                    bytes = Base64.getDecoder().decode(text.substring(text.indexOf(',') + 1));
                    String mismatch = Uploads.mismatch(name, declared, bytes);
                    if (mismatch != null) {
                        problems.add(where + ": " + mismatch);
                        return this;
                    }
                }
                String size = Uploads.size(bytes);
                if (size == null) {
                    problems.add(where + ": " + name + " is not a picture");
                    return this;
                }
                details.put("imageSize", size);
                details.put("imageSha256", io.reelflow.storage.Hashing.sha256Hex(bytes));
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + name + " is not base64: " + e.getMessage());
            }
            return this;
        }

        /** The problems found, each noted as a violation; null when there are none. */
        public String problems() {
            problems.forEach(TaskStandIn.this::violation);
            return problems.isEmpty() ? null : String.join("; ", problems);
        }
    }

    protected static Map<String, Object> details(JsonNode body, String... without) {
        Map<String, Object> details = new HashMap<>();
        com.fasterxml.jackson.databind.node.ObjectNode copy = body.deepCopy();
        copy.remove(List.of(without));
        details.put("body", copy.toString());
        return details;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        super.close();
    }
}
