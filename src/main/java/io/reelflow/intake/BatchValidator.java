package io.reelflow.intake;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.reelflow.campaign.Brand;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.intake.CampaignBatch.ShotRequest;
import io.reelflow.media.AspectRatio;
import io.reelflow.media.Captions;
import io.reelflow.media.Placement;
import io.reelflow.provider.ModelCatalog;
import io.reelflow.review.ReviewPolicy;
import io.reelflow.validation.JsonSchemaCheck;
import io.reelflow.validation.JsonText;
import io.reelflow.validation.TextRules;
import io.reelflow.validation.Violation;
import io.reelflow.validation.Violations;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Checks a campaign batch and names every problem it finds, not just the first. Its shape is the published
 * JSON Schema ({@code schemas/campaign-batch.schema.json}); here are only the rules a schema cannot say: limits
 * this deployment configures, shot ids unique within the batch, and whether the route's models can make every
 * draft and final of it.
 */
@ApplicationScoped
public class BatchValidator {

    static final String SCHEMA = "/schemas/campaign-batch.schema.json";
    private static final JsonSchemaCheck SHAPE = new JsonSchemaCheck(SCHEMA);

    private final ReelflowConfig config;
    private final ModelCatalog catalog;
    private final TextRules text;

    public BatchValidator(ReelflowConfig config, ModelCatalog catalog) {
        this.config = config;
        this.catalog = catalog;
        this.text = new TextRules(config.intake().minPromptLength(), config.intake().maxPromptLength());
        int room = config.outbox().maxMessageBytes() - config.intake().maxBatchBytes();
        if (room < 16 * 1024) {
            throw new IllegalArgumentException("reelflow.intake.max-batch-bytes (" + config.intake().maxBatchBytes()
                    + ") must stay at least 16 KiB below reelflow.outbox.max-message-bytes ("
                    + config.outbox().maxMessageBytes() + "), so that a batch submitted over REST fits one message");
        }
    }

    /** The outcome: a batch when valid, otherwise every violation found. */
    public record Result(CampaignBatch batch, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    public Result validate(JsonNode root) {
        if (root == null || !root.isObject()) {
            return new Result(null, List.of(new Violation("$", "must be a JSON object")));
        }
        int bytes = root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        int maxBytes = config.intake().maxBatchBytes();
        if (bytes > maxBytes) {
            // Checked first and alone: a batch this large is not read further (its answer must stay small too).
            return new Result(null, List.of(new Violation("$", "is " + bytes + " bytes of JSON (UTF-8, without"
                    + " spaces); a batch may be at most " + maxBytes + " bytes, which keeps it within one Kafka"
                    + " message: split it into smaller batches")));
        }
        Violations v = new Violations(SHAPE.violations(root));
        JsonText.brokenCharacters(root).forEach(broken -> v.add(broken.field(), broken.reason()));
        JsonNode defaults = root.path("defaults");
        AspectRatio aspect = AspectRatio.parse(defaults.path("aspectRatio").asText("landscape"))
                .orElse(AspectRatio.LANDSCAPE);
        ReviewPolicy policy = ReviewPolicy.parse(defaults.path("reviewPolicy").asText("manual"))
                .orElse(ReviewPolicy.MANUAL);
        List<String> draftRoute = route(defaults.path("route"), "draftModel", config.routes().draftModel(), v);
        List<String> finalRoute = route(defaults.path("route"), "finalModel", config.routes().finalModel(), v);
        String finalReview = defaults.path("finalReview").asText("none");
        List<Placement> deliverables = DeliveryRequests.placements(defaults.path("deliverables"),
                "defaults.deliverables", v);
        List<ShotRequest> shots = shots(root.path("shots"), aspect, policy, finalReview, deliverables, v);
        Brand brand = DeliveryRequests.brand(root.path("brand"), v);
        if (brand != null && shots.stream().allMatch(s -> s.deliverables().isEmpty())) {
            v.add("brand", "is added to placement files, but no shot has placements; name them in deliverables");
        }
        if (brand != null && brand.endCard() != null) {
            double card = brand.endCard().seconds();
            shots.stream().flatMap(s -> s.deliverables().stream()).filter(p -> p.maxSeconds() - card < 1).distinct()
                    .forEach(p -> v.add("brand.endCard.seconds", "is " + card + " s, which leaves placement '"
                            + p.name() + "' (at most " + p.maxSeconds() + " s) less than 1 s of picture"));
        }
        if (v.isEmpty()) {
            checkCatalog(draftRoute, finalRoute, shots, v);
        }
        if (!v.isEmpty()) {
            return new Result(null, v.list());
        }
        JsonNode limit = root.path("budget").path("limitUsd");
        BigDecimal budget = limit.isNumber() ? limit.decimalValue() : null;
        return new Result(new CampaignBatch(root.get("batchId").textValue(), root.get("team").textValue(),
                root.get("campaign").textValue(), aspect, policy, draftRoute, finalRoute, budget, shots, brand,
                root.path("contentCredentials").path("includePrompt").asBoolean(false)),
                List.of());
    }

    private List<ShotRequest> shots(JsonNode shots, AspectRatio aspect, ReviewPolicy policy, String finalReview,
            List<Placement> deliverables, Violations v) {
        List<ShotRequest> result = new ArrayList<>();
        if (!shots.isArray()) {
            // Absent or not an array: the schema's violation says so.
            return result;
        }
        int maxShots = config.intake().maxShots();
        if (shots.size() > maxShots) {
            v.add("shots", "holds " + shots.size() + " shots; at most " + maxShots + " are allowed");
            return result;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < shots.size(); i++) {
            String path = "shots[" + i + "]";
            JsonNode shot = shots.get(i);
            String shotId = shot.path("shotId").textValue();
            if (shotId != null && !seen.add(shotId)) {
                v.add(path + ".shotId", "duplicates shot id '" + shotId + "' used earlier in the batch");
            }
            String prompt = text.prompt(shot.path("prompt"), path + ".prompt", v);
            JsonNode reference = shot.path("referenceImage");
            List<Placement> placements = shot.has("deliverables")
                    ? DeliveryRequests.placements(shot.path("deliverables"), path + ".deliverables", v)
                    : deliverables;
            List<Captions.Cue> captions = DeliveryRequests.captions(shot.path("captions"), path + ".captions",
                    config.render().finalCut().seconds(), placements.stream().anyMatch(Placement::burnCaptions), v);
            if (!captions.isEmpty() && placements.isEmpty()) {
                v.add(path + ".captions", "are written beside the shot's deliverables, but it has none; name"
                        + " placements in deliverables (of the shot or in defaults)");
            }
            result.add(new ShotRequest(shotId, prompt,
                    AspectRatio.parse(shot.path("aspectRatio").asText()).orElse(aspect),
                    ReviewPolicy.parse(shot.path("reviewPolicy").asText()).orElse(policy),
                    reference.path("url").textValue(), reference.path("fit").asText("crop"),
                    shot.path("finalReview").asText(finalReview), placements,
                    DeliveryRequests.focus(shot.path("focus")), captions));
        }
        return result;
    }

    /**
     * A route: one model, or models in the order they are tried ({@code ["kling-3", "veo-3.1"]}); each must be
     * one this deployment has. The schema has checked the shape (1 to 4 names, none twice).
     */
    private List<String> route(JsonNode route, String field, List<String> fallback, Violations v) {
        JsonNode node = route.path(field);
        List<String> models = new ArrayList<>();
        if (node.isTextual()) {
            models.add(node.textValue());
        } else if (node.isArray()) {
            node.forEach(m -> models.add(m.asText()));
        }
        if (models.isEmpty()) {
            return List.copyOf(fallback);
        }
        // A model this deployment knows but cannot call now (its provider is not configured here) may stand in a
        // route beside one it can: jobs move past it. Unknown names are always refused.
        boolean anyAvailable = models.stream().anyMatch(m -> catalog.unavailable(m).isEmpty());
        for (int i = 0; i < models.size(); i++) {
            String path = "defaults.route." + field + (node.isArray() ? "[" + i + "]" : "");
            if (anyAvailable && catalog.known(models.get(i))) {
                continue;
            }
            catalog.unavailable(models.get(i)).ifPresent(reason -> v.add(path, reason));
        }
        return List.copyOf(models);
    }

    /** Every draft and every possible final of the batch must be something each model of its route can make. */
    private void checkCatalog(List<String> draftRoute, List<String> finalRoute, List<ShotRequest> shots,
            Violations v) {
        for (int m = 0; m < finalRoute.size(); m++) {
            String finalModel = finalRoute.get(m);
            if (config.review().requireApprovedLook() && !catalog.takesImage(finalModel)) {
                v.add("defaults.route." + field("finalModel", finalRoute, m), "model '" + finalModel + "' takes no image, so its finals"
                        + " cannot start from the approved draft's frame; this deployment requires the approved look"
                        + " to carry (reelflow.review.require-approved-look)");
            }
        }
        Set<String> reported = new HashSet<>();
        for (int i = 0; i < shots.size(); i++) {
            for (int m = 0; m < draftRoute.size(); m++) {
                if (catalog.unavailable(draftRoute.get(m)).isPresent()) {
                    continue;
                }
                check(draftRoute.get(m), field("draftModel", draftRoute, m), config.render().draft(), shots.get(i), i,
                        reported, v);
            }
            for (AspectRatio master : shots.get(i).masters()) {
                for (int m = 0; m < finalRoute.size(); m++) {
                    if (catalog.unavailable(finalRoute.get(m)).isPresent()) {
                        continue;
                    }
                    check(finalRoute.get(m), field("finalModel", finalRoute, m), config.render().finalCut(), master,
                            shots.get(i), i, reported, v);
                }
            }
        }
    }

    private static String field(String name, List<String> route, int index) {
        return route.size() == 1 ? name : name + "[" + index + "]";
    }

    private void check(String model, String field, ReelflowConfig.Render.Profile profile, ShotRequest shot,
            int index, Set<String> reported, Violations v) {
        check(model, field, profile, shot.aspectRatio(), shot, index, reported, v);
    }

    private void check(String model, String field, ReelflowConfig.Render.Profile profile, AspectRatio aspect,
            ShotRequest shot, int index, Set<String> reported, Violations v) {
        boolean reference = shot.referenceImageUrl() != null;
        for (String reason : catalog.cannotRender(model, profile.seconds(), profile.frame(aspect), reference)) {
            // A route problem is reported once; a reference image problem at the shot that has one.
            String path = reason.endsWith("takes no reference image") ? "shots[" + index + "].referenceImage"
                    : "defaults.route." + field;
            if (reported.add(path + reason)) {
                v.add(path, reason);
            }
        }
    }
}
