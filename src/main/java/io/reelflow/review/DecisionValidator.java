package io.reelflow.review;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.reelflow.intake.BatchValidator;
import io.reelflow.intake.Violation;
import io.reelflow.util.Hashing;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Checks a message on {@code draft-reviews} field by field. The JSON Schema in
 * {@code src/main/resources/schemas/draft-review.schema.json} describes the same rules.
 */
@ApplicationScoped
public class DecisionValidator {

    private static final Set<String> FIELDS = Set.of("decisionId", "team", "campaign", "batchId", "shotId",
            "revision", "decision", "revisedPrompt", "reviewer", "note");
    private static final Pattern DECISION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final int MAX_REVIEWER = 200;
    private static final int MAX_NOTE = 2000;

    private final BatchValidator batches;

    public DecisionValidator(BatchValidator batches) {
        this.batches = batches;
    }

    /** The outcome: a decision when valid, otherwise every violation found. */
    public record Result(Decision decision, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    public Result validate(JsonNode root, String rawPayload) {
        List<Violation> v = new ArrayList<>();
        if (root == null || !root.isObject()) {
            v.add(new Violation("$", "must be a JSON object"));
            return new Result(null, v);
        }
        BatchValidator.unknownFields(root, FIELDS, "", v);
        String decisionId = decisionId(root, rawPayload, v);
        String team = BatchValidator.safeId(root, "team", "team", v);
        String campaign = BatchValidator.safeId(root, "campaign", "campaign", v);
        String batchId = BatchValidator.safeId(root, "batchId", "batchId", v);
        String shotId = BatchValidator.safeId(root, "shotId", "shotId", v);
        int revision = revision(root, v);
        Decision.Kind kind = kind(root, v);
        String revisedPrompt = null;
        if (kind == Decision.Kind.REVISE) {
            revisedPrompt = batches.prompt(root, "revisedPrompt", "revisedPrompt", v);
        } else if (root.hasNonNull("revisedPrompt")) {
            v.add(new Violation("revisedPrompt", "is only for 'revise' decisions"));
        }
        String reviewer = text(root, "reviewer", true, MAX_REVIEWER, v);
        String note = text(root, "note", false, MAX_NOTE, v);
        if (!v.isEmpty()) {
            return new Result(null, v);
        }
        return new Result(new Decision(decisionId, team, campaign, batchId, shotId, revision, kind, revisedPrompt,
                reviewer, note), v);
    }

    /**
     * The sender's decision id, or one derived from the message, so that a redelivery is recognised either
     * way. Usable for refused messages too.
     */
    public static String decisionId(JsonNode root, String rawPayload, List<Violation> v) {
        JsonNode node = root == null ? null : root.get("decisionId");
        if (node == null || node.isNull()) {
            return "sha256:" + Hashing.sha256Hex(rawPayload == null ? "" : rawPayload);
        }
        if (!node.isTextual() || !DECISION_ID.matcher(node.textValue()).matches()) {
            v.add(new Violation("decisionId", "must be 1-128 letters, digits, '.', '_', ':' or '-', "
                    + "starting with a letter or digit"));
            return "sha256:" + Hashing.sha256Hex(rawPayload == null ? "" : rawPayload);
        }
        return node.textValue();
    }

    private static int revision(JsonNode root, List<Violation> v) {
        JsonNode node = root.get("revision");
        if (node == null || node.isNull()) {
            v.add(new Violation("revision", "is required: the draft revision being judged"));
            return 0;
        }
        if (!node.isIntegralNumber() || node.asInt() < 1) {
            v.add(new Violation("revision", "must be a whole number from 1"));
            return 0;
        }
        return node.asInt();
    }

    private static Decision.Kind kind(JsonNode root, List<Violation> v) {
        JsonNode node = root.get("decision");
        List<String> allowed = Arrays.stream(Decision.Kind.values()).map(Decision.Kind::wireName).toList();
        if (node == null || !node.isTextual()) {
            v.add(new Violation("decision", "is required; one of " + allowed));
            return null;
        }
        return Arrays.stream(Decision.Kind.values()).filter(k -> k.wireName().equals(node.textValue())).findFirst()
                .orElseGet(() -> {
                    v.add(new Violation("decision", "'" + node.textValue() + "' is not a decision; use one of "
                            + allowed));
                    return null;
                });
    }

    private static String text(JsonNode root, String field, boolean required, int max, List<Violation> v) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                v.add(new Violation(field, "is required"));
            }
            return null;
        }
        if (!node.isTextual()) {
            v.add(new Violation(field, "must be a string"));
            return null;
        }
        String value = node.textValue().strip();
        if (required && value.isEmpty()) {
            v.add(new Violation(field, "must not be empty"));
        } else if (value.length() > max) {
            v.add(new Violation(field, "is " + value.length() + " characters; at most " + max + " are allowed"));
        } else if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            v.add(new Violation(field, "must not contain control characters"));
        }
        return value.isEmpty() ? null : value;
    }
}
