package io.reelflow.intake;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.intake.CampaignBatch.ShotRequest;
import io.reelflow.media.AspectRatio;
import io.reelflow.media.FrameSize;
import io.reelflow.media.Resolution;
import io.reelflow.provider.ModelCatalog;
import io.reelflow.review.ReviewPolicy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Checks a batch message field by field and names every problem it finds, not just the first.
 * The JSON Schema in {@code src/main/resources/schemas/campaign-batch.schema.json} describes the same rules.
 */
@ApplicationScoped
public class BatchValidator {

    /** Ids become object-key segments, so they are kept to a portable, traversal-free alphabet. */
    static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final String SAFE_ID_RULE = "must be 1-64 characters of letters, digits, '.', '_' or '-', "
            + "starting with a letter or digit";
    private static final int MAX_URL_LENGTH = 2048;

    private static final Set<String> BATCH_FIELDS = Set.of("batchId", "team", "campaign", "defaults", "budget", "shots");
    private static final Set<String> DEFAULTS_FIELDS = Set.of("aspectRatio", "reviewPolicy", "route");
    private static final Set<String> ROUTE_FIELDS = Set.of("draftModel", "finalModel");
    private static final Set<String> BUDGET_FIELDS = Set.of("limitUsd");
    private static final Set<String> SHOT_FIELDS = Set.of("shotId", "prompt", "aspectRatio", "reviewPolicy",
            "referenceImage");
    private static final Set<String> REFERENCE_FIELDS = Set.of("url", "fit");
    /** An uploaded image travels inline as a data URL; Kafka's default message limit bounds it. */
    private static final int MAX_DATA_URL_LENGTH = 700_000;
    private static final java.util.regex.Pattern DATA_URL = java.util.regex.Pattern.compile(
            "data:image/(png|jpeg|webp);base64,[A-Za-z0-9+/=\\s]+");

    private final ReelflowConfig config;
    private final ModelCatalog catalog;

    public BatchValidator(ReelflowConfig config, ModelCatalog catalog) {
        this.config = config;
        this.catalog = catalog;
    }

    /** The outcome: a batch when valid, otherwise every violation found. */
    public record Result(CampaignBatch batch, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    public Result validate(JsonNode root) {
        List<Violation> v = new ArrayList<>();
        if (root == null || !root.isObject()) {
            v.add(new Violation("$", "must be a JSON object"));
            return new Result(null, v);
        }
        unknownFields(root, BATCH_FIELDS, "", v);
        String batchId = safeId(root, "batchId", "batchId", v);
        String team = safeId(root, "team", "team", v);
        String campaign = safeId(root, "campaign", "campaign", v);

        AspectRatio defaultAspect = AspectRatio.LANDSCAPE;
        ReviewPolicy defaultPolicy = ReviewPolicy.MANUAL;
        String draftModel = config.routes().draftModel();
        String finalModel = config.routes().finalModel();
        JsonNode defaults = root.get("defaults");
        if (defaults != null && !defaults.isNull()) {
            if (!defaults.isObject()) {
                v.add(new Violation("defaults", "must be an object"));
            } else {
                unknownFields(defaults, DEFAULTS_FIELDS, "defaults.", v);
                AspectRatio aspect = aspectRatio(defaults, "defaults.aspectRatio", v);
                if (aspect != null) {
                    defaultAspect = aspect;
                }
                ReviewPolicy policy = reviewPolicy(defaults, "defaults.reviewPolicy", v);
                if (policy != null) {
                    defaultPolicy = policy;
                }
                JsonNode route = defaults.get("route");
                if (route != null && !route.isNull()) {
                    if (!route.isObject()) {
                        v.add(new Violation("defaults.route", "must be an object"));
                    } else {
                        unknownFields(route, ROUTE_FIELDS, "defaults.route.", v);
                        draftModel = model(route, "draftModel", draftModel, v);
                        finalModel = model(route, "finalModel", finalModel, v);
                    }
                }
            }
        }

        BigDecimal budget = budget(root.get("budget"), v);
        List<ShotRequest> shots = shots(root.get("shots"), defaultAspect, defaultPolicy, v);
        if (v.isEmpty()) {
            checkCatalog(draftModel, finalModel, shots, v);
        }
        if (!v.isEmpty()) {
            return new Result(null, v);
        }
        return new Result(new CampaignBatch(batchId, team, campaign, defaultAspect, defaultPolicy, draftModel,
                finalModel, budget, shots), v);
    }

    private List<ShotRequest> shots(JsonNode shots, AspectRatio defaultAspect, ReviewPolicy defaultPolicy,
            List<Violation> v) {
        List<ShotRequest> result = new ArrayList<>();
        if (shots == null || shots.isNull()) {
            v.add(new Violation("shots", "is required"));
            return result;
        }
        if (!shots.isArray()) {
            v.add(new Violation("shots", "must be an array"));
            return result;
        }
        if (shots.isEmpty()) {
            v.add(new Violation("shots", "must hold at least one shot"));
        }
        int maxShots = config.intake().maxShots();
        if (shots.size() > maxShots) {
            v.add(new Violation("shots", "holds " + shots.size() + " shots; at most " + maxShots + " are allowed"));
            return result;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < shots.size(); i++) {
            String path = "shots[" + i + "]";
            JsonNode shot = shots.get(i);
            if (!shot.isObject()) {
                v.add(new Violation(path, "must be an object"));
                continue;
            }
            unknownFields(shot, SHOT_FIELDS, path + ".", v);
            String shotId = safeId(shot, "shotId", path + ".shotId", v);
            if (shotId != null && !seen.add(shotId)) {
                v.add(new Violation(path + ".shotId", "duplicates shot id '" + shotId + "' used earlier in the batch"));
            }
            String prompt = prompt(shot, "prompt", path + ".prompt", v);
            AspectRatio aspect = aspectRatio(shot, path + ".aspectRatio", v);
            ReviewPolicy policy = reviewPolicy(shot, path + ".reviewPolicy", v);
            JsonNode referenceNode = shot.get("referenceImage");
            String reference = referenceImage(referenceNode, path + ".referenceImage", v);
            String fit = referenceFit(referenceNode, path + ".referenceImage.fit", v);
            result.add(new ShotRequest(shotId, prompt, aspect == null ? defaultAspect : aspect,
                    policy == null ? defaultPolicy : policy, reference, fit));
        }
        return result;
    }

    /** Checks a prompt field (shared with review decisions' revised prompts). */
    public String prompt(JsonNode parent, String field, String path, List<Violation> v) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            v.add(new Violation(path, "is required"));
            return null;
        }
        if (!node.isTextual()) {
            v.add(new Violation(path, "must be a string"));
            return null;
        }
        String prompt = node.textValue().strip();
        int min = config.intake().minPromptLength();
        int max = config.intake().maxPromptLength();
        if (prompt.isEmpty()) {
            v.add(new Violation(path, "must not be empty"));
        } else if (prompt.length() < min) {
            v.add(new Violation(path, "is " + prompt.length() + " characters; at least " + min + " are required"));
        } else if (prompt.length() > max) {
            v.add(new Violation(path, "is " + prompt.length() + " characters; at most " + max + " are allowed"));
        } else if (prompt.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            v.add(new Violation(path, "must not contain control characters"));
        }
        return prompt;
    }

    private String referenceImage(JsonNode node, String path, List<Violation> v) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            v.add(new Violation(path, "must be an object with a 'url'"));
            return null;
        }
        unknownFields(node, REFERENCE_FIELDS, path + ".", v);
        JsonNode url = node.get("url");
        if (url == null || !url.isTextual() || url.textValue().isBlank()) {
            v.add(new Violation(path + ".url", "is required and must be a string"));
            return null;
        }
        String text = url.textValue();
        if (text.startsWith("data:")) {
            if (text.length() > MAX_DATA_URL_LENGTH) {
                v.add(new Violation(path + ".url", "is an inline image of " + text.length()
                        + " characters; at most " + MAX_DATA_URL_LENGTH + " are allowed (give a URL instead)"));
                return null;
            }
            if (!DATA_URL.matcher(text).matches()) {
                v.add(new Violation(path + ".url", "is a data URL but not a base64 PNG, JPEG or WebP image"
                        + " (data:image/png;base64,...)"));
                return null;
            }
            return text;
        }
        if (text.length() > MAX_URL_LENGTH) {
            v.add(new Violation(path + ".url", "is longer than " + MAX_URL_LENGTH + " characters"));
            return null;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                v.add(new Violation(path + ".url", "must be an absolute http or https URL or an inline data URL"));
                return null;
            }
        } catch (URISyntaxException e) {
            v.add(new Violation(path + ".url", "is not a valid URL: " + e.getReason()));
            return null;
        }
        return text;
    }

    private static String referenceFit(JsonNode reference, String path, List<Violation> v) {
        JsonNode fit = reference == null ? null : reference.get("fit");
        if (fit == null || fit.isNull()) {
            return "crop";
        }
        if (!fit.isTextual() || !(fit.textValue().equals("crop") || fit.textValue().equals("strict"))) {
            v.add(new Violation(path, "must be 'crop' (centre-crop and resize to the frame) or 'strict' (refuse an"
                    + " image of another aspect ratio)"));
            return null;
        }
        return fit.textValue();
    }

    private BigDecimal budget(JsonNode budget, List<Violation> v) {
        if (budget == null || budget.isNull()) {
            return null;
        }
        if (!budget.isObject()) {
            v.add(new Violation("budget", "must be an object with 'limitUsd'"));
            return null;
        }
        unknownFields(budget, BUDGET_FIELDS, "budget.", v);
        JsonNode limit = budget.get("limitUsd");
        if (limit == null || !limit.isNumber()) {
            v.add(new Violation("budget.limitUsd", "is required and must be a number"));
            return null;
        }
        BigDecimal value = limit.decimalValue();
        if (value.signum() <= 0) {
            v.add(new Violation("budget.limitUsd", "must be greater than 0"));
            return null;
        }
        if (value.scale() > 2 || value.precision() - value.scale() > 10) {
            v.add(new Violation("budget.limitUsd", "must have at most 10 digits before and 2 after the point"));
            return null;
        }
        return value;
    }

    private String model(JsonNode route, String field, String fallback, List<Violation> v) {
        JsonNode node = route.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        String path = "defaults.route." + field;
        if (!node.isTextual()) {
            v.add(new Violation(path, "must be a string"));
            return fallback;
        }
        String name = node.textValue();
        catalog.unavailable(name).ifPresent(reason -> v.add(new Violation(path, reason)));
        return name;
    }

    /** Every draft and every possible final of the batch must be something its model can make. */
    private void checkCatalog(String draftModel, String finalModel, List<ShotRequest> shots, List<Violation> v) {
        java.util.Set<String> reported = new HashSet<>();
        for (int i = 0; i < shots.size(); i++) {
            ShotRequest shot = shots.get(i);
            boolean reference = shot.referenceImageUrl() != null;
            check(draftModel, "draftModel", config.render().draft(), shot, reference, i, reported, v);
            check(finalModel, "finalModel", config.render().finalCut(), shot, reference, i, reported, v);
        }
    }

    private void check(String model, String field, ReelflowConfig.Render.Profile profile, ShotRequest shot,
            boolean reference, int index, java.util.Set<String> reported, List<Violation> v) {
        Resolution resolution = Resolution.valueOf(profile.resolution().toUpperCase(java.util.Locale.ROOT));
        FrameSize size = FrameSize.of(resolution, shot.aspectRatio());
        for (String reason : catalog.cannotRender(model, profile.seconds(), size, reference)) {
            // A route problem is reported once; a reference image problem at the shot that has one.
            String path = reason.endsWith("takes no reference image") ? "shots[" + index + "].referenceImage"
                    : "defaults.route." + field;
            if (reported.add(path + reason)) {
                v.add(new Violation(path, reason));
            }
        }
    }

    private static ReviewPolicy reviewPolicy(JsonNode parent, String path, List<Violation> v) {
        JsonNode node = parent.get("reviewPolicy");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            v.add(new Violation(path, "must be a string"));
            return null;
        }
        return ReviewPolicy.parse(node.textValue()).orElseGet(() -> {
            v.add(new Violation(path, "'" + node.textValue() + "' is not a review policy; use one of "
                    + ReviewPolicy.wireNames()));
            return null;
        });
    }

    private static AspectRatio aspectRatio(JsonNode parent, String path, List<Violation> v) {
        JsonNode node = parent.get("aspectRatio");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            v.add(new Violation(path, "must be a string"));
            return null;
        }
        return AspectRatio.parse(node.textValue()).orElseGet(() -> {
            v.add(new Violation(path, "'" + node.textValue() + "' is not an aspect ratio; use one of "
                    + AspectRatio.wireNames()));
            return null;
        });
    }

    /** Checks an id that becomes an object-key segment (shared with review decisions). */
    public static String safeId(JsonNode parent, String field, String path, List<Violation> v) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            v.add(new Violation(path, "is required"));
            return null;
        }
        if (!node.isTextual()) {
            v.add(new Violation(path, "must be a string"));
            return null;
        }
        String value = node.textValue();
        if (!SAFE_ID.matcher(value).matches() || value.contains("..")) {
            v.add(new Violation(path, "'" + abbreviate(value) + "' " + SAFE_ID_RULE + " (it is used in object keys)"));
            return null;
        }
        return value;
    }

    /** Names every field of {@code node} that is not in {@code known}. */
    public static void unknownFields(JsonNode node, Set<String> known, String prefix, List<Violation> v) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!known.contains(name)) {
                v.add(new Violation(prefix + abbreviate(name), "is not a known field; known fields: "
                        + known.stream().sorted().toList()));
            }
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
