package io.reelflow.review;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.storage.Hashing;
import io.reelflow.validation.JsonSchemaCheck;
import io.reelflow.validation.TextRules;
import io.reelflow.validation.JsonText;
import io.reelflow.validation.Violation;
import io.reelflow.validation.Violations;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Checks a message on {@code draft-reviews}. Its shape is the published JSON Schema
 * ({@code schemas/draft-review.schema.json}); here are only what a schema cannot say: text trimmed, a revised
 * prompt within this deployment's limits, and a decision id for messages that bring none.
 */
@ApplicationScoped
public class DecisionValidator {

    private static final JsonSchemaCheck SHAPE = new JsonSchemaCheck("/schemas/draft-review.schema.json");
    /** The schema's decisionId pattern: an id outside it is not trusted as a key, and a hash stands in. */
    private static final Pattern DECISION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final TextRules text;
    private final ObjectMapper json;

    public DecisionValidator(ReelflowConfig config, ObjectMapper json) {
        this.json = json;
        this.text = new TextRules(config.intake().minPromptLength(), config.intake().maxPromptLength());
    }

    /**
     * The outcome: a decision when valid, otherwise every violation found. {@code decisionId} is the decision's
     * id either way (for a refused message too, so that its redelivery is answered once).
     */
    public record Result(Decision decision, String decisionId, List<Violation> violations, String claimedTeam) {

        Result(Decision decision, String decisionId, List<Violation> violations) {
            this(decision, decisionId, violations, decision == null ? null : decision.team());
        }

        public boolean valid() {
            return violations.isEmpty();
        }

        /** The team the message names, valid or not; null when it names none as text. */
        public String team() {
            return decision != null ? decision.team() : claimedTeam;
        }
    }

    /** Reads a message as received: bytes not UTF-8, or text not JSON, are violations like any other. */
    public Result read(JsonText.Decoded message) {
        if (!message.ok()) {
            return new Result(null, decisionId(null, message.text()), List.of(new Violation("$", message.error())));
        }
        return read(message.text());
    }

    /** Reads a message's text: text that is not JSON is a violation like any other. */
    public Result read(String payload) {
        JsonNode root;
        try {
            root = payload == null || payload.isBlank() ? null : JsonText.read(json, payload);
        } catch (JsonProcessingException e) {
            return new Result(null, decisionId(null, payload),
                    List.of(new Violation("$", JsonText.why(e))));
        }
        return validate(root, payload);
    }

    public Result validate(JsonNode root, String rawPayload) {
        if (root == null || !root.isObject()) {
            return new Result(null, decisionId(root, rawPayload), List.of(new Violation("$", "must be a JSON object")));
        }
        Violations v = new Violations(SHAPE.violations(root));
        JsonText.brokenCharacters(root).forEach(broken -> v.add(broken.field(), broken.reason()));
        String revisedPrompt = text.prompt(root.path("revisedPrompt"), "revisedPrompt", v);
        String reviewer = TextRules.text(root.path("reviewer"), "reviewer", true, v);
        String note = TextRules.text(root.path("note"), "note", false, v);
        if (!v.isEmpty()) {
            return new Result(null, decisionId(root, rawPayload), v.list(), root.path("team").textValue());
        }
        Decision.Kind kind = Arrays.stream(Decision.Kind.values())
                .filter(k -> k.wireName().equals(root.get("decision").textValue())).findFirst().orElseThrow();
        String decisionId = decisionId(root, rawPayload);
        return new Result(new Decision(decisionId, root.get("team").textValue(),
                root.get("campaign").textValue(), root.get("batchId").textValue(), root.get("shotId").textValue(),
                root.get("revision").intValue(), kind, revisedPrompt, reviewer, note, root.path("stage").textValue(),
                root.path("fromSecond").isNumber() ? root.get("fromSecond").doubleValue() : null,
                root.path("keepSeed").isBoolean() ? root.get("keepSeed").booleanValue() : null), decisionId, List.of());
    }

    /**
     * The sender's decision id, or one derived from the message, so that a redelivery is recognised either
     * way. Usable for refused messages too.
     */
    private static String decisionId(JsonNode root, String rawPayload) {
        JsonNode node = root == null || !root.isObject() ? null : root.get("decisionId");
        if (node != null && node.isTextual() && DECISION_ID.matcher(node.textValue()).matches()) {
            return node.textValue();
        }
        return "sha256:" + Hashing.sha256Hex(rawPayload == null ? "" : rawPayload);
    }
}
