package io.reelflow.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.validation.Violation;
import io.reelflow.media.AspectRatio;
import io.reelflow.media.Captions;
import io.reelflow.media.Deliverables;
import io.reelflow.media.Placement;
import io.reelflow.testkit.TestConfig;

class BatchValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BatchValidator validator = TestConfig.batchValidator(Map.of("reelflow.intake.max-shots", "3"));

    @Test
    void aBatchIsLimitedInBytesNotOnlyInCharacters() throws Exception {
        BatchValidator wide = TestConfig.batchValidator(Map.of());
        // 500 shots of 2,000 CJK characters: within every character limit, but three bytes a character in UTF-8.
        com.fasterxml.jackson.databind.node.ObjectNode batch = JSON.createObjectNode().put("batchId", "b-1")
                .put("team", "acme").put("campaign", "spring");
        var shots = batch.putArray("shots");
        for (int i = 0; i < 500; i++) {
            shots.addObject().put("shotId", "s" + i).put("prompt", "海辺の夕暮れ、波が静かに寄せる。".repeat(125));
        }
        BatchValidator.Result result = wide.validate(batch);
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("$");
            assertThat(v.reason()).startsWith("is 30").contains("a batch may be at most 900000 bytes");
        });
        // The same batch with a fifth of the shots fits.
        while (shots.size() > 100) {
            shots.remove(shots.size() - 1);
        }
        assertThat(wide.validate(batch).violations()).isEmpty();
    }

    @Test
    void theBatchLimitMustLeaveRoomBelowTheMessageLimit() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestConfig.batchValidator(Map.of(
                "reelflow.intake.max-batch-bytes", "1040000")))
                .hasMessage("reelflow.intake.max-batch-bytes (1040000) must stay at least 16 KiB below"
                        + " reelflow.outbox.max-message-bytes (1048576), so that a batch submitted over REST fits one message");
    }

    @Test
    void acceptsAMinimalBatchAndAppliesDefaults() throws Exception {
        BatchValidator.Result result = validate("""
                {"batchId": "b-1", "team": "acme", "campaign": "spring",
                 "shots": [{"shotId": "s1", "prompt": "  Slow pan over a harbour at dawn.  "}]}""");

        assertThat(result.violations()).isEmpty();
        CampaignBatch batch = result.batch();
        assertThat(batch.aspectRatio()).isEqualTo(AspectRatio.LANDSCAPE);
        assertThat(batch.draftModel()).isEqualTo("local-preview");
        assertThat(batch.budgetUsd()).isNull();
        assertThat(batch.shots()).singleElement().satisfies(s -> {
            assertThat(s.prompt()).isEqualTo("Slow pan over a harbour at dawn.");
            assertThat(s.aspectRatio()).isEqualTo(AspectRatio.LANDSCAPE);
        });
    }

    @Test
    void shotAspectRatioOverridesTheBatchDefault() throws Exception {
        BatchValidator.Result result = validate("""
                {"batchId": "b-1", "team": "acme", "campaign": "spring", "budget": {"limitUsd": 12.5},
                 "defaults": {"aspectRatio": "portrait"},
                 "shots": [{"shotId": "s1", "prompt": "A tilt up a lighthouse.", "aspectRatio": "landscape"},
                           {"shotId": "s2", "prompt": "A dolly along a pier.",
                            "referenceImage": {"url": "https://img.example.com/pier.png"}}]}""");

        assertThat(result.violations()).isEmpty();
        assertThat(result.batch().budgetUsd()).isEqualByComparingTo(new BigDecimal("12.5"));
        assertThat(result.batch().shots()).extracting(CampaignBatch.ShotRequest::aspectRatio)
                .containsExactly(AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT);
        assertThat(result.batch().shots().get(1).referenceImageUrl()).isEqualTo("https://img.example.com/pier.png");
    }

    @Test
    void rejectsIdsThatAreNotSafeObjectKeySegments() throws Exception {
        Map<String, String> reasons = reasons("""
                {"batchId": "a/b", "team": "..", "campaign": "x..y",
                 "shots": [{"shotId": "-lead", "prompt": "Slow pan over a harbour."}]}""");

        assertThat(reasons).containsOnlyKeys("batchId", "team", "campaign", "shots[0].shotId");
        assertThat(reasons.values()).allSatisfy(r -> assertThat(r).contains("used in object keys"));
    }

    @Test
    void namesEveryMissingOrMistypedField() throws Exception {
        Map<String, String> reasons = reasons("""
                {"batchId": 7, "campaign": "c", "defaults": {"aspectRatio": 16, "route": {"draftModel": "sora-9"}},
                 "budget": {"limitUsd": -1}, "shots": [{"prompt": 5}, "text"]}""");

        assertThat(reasons).containsEntry("batchId", "must be a string")
                .containsEntry("team", "is required")
                .containsEntry("defaults.aspectRatio", "must be a string")
                .containsEntry("budget.limitUsd", "must be greater than 0")
                .containsEntry("shots[0].shotId", "is required")
                .containsEntry("shots[0].prompt", "must be a string")
                .containsEntry("shots[1]", "must be an object");
        assertThat(reasons.get("defaults.route.draftModel")).contains("unknown model 'sora-9'").contains("local-preview");
    }

    @Test
    void rejectsTooManyShotsNamingTheLimit() throws Exception {
        Map<String, String> reasons = reasons("""
                {"batchId": "b", "team": "t", "campaign": "c", "shots": [
                 {"shotId": "1", "prompt": "A pan."}, {"shotId": "2", "prompt": "A pan."},
                 {"shotId": "3", "prompt": "A pan."}, {"shotId": "4", "prompt": "A pan."}]}""");

        assertThat(reasons).containsEntry("shots", "holds 4 shots; at most 3 are allowed");
    }

    @Test
    void rejectsShortPromptsControlCharactersAndBadReferenceUrls() throws Exception {
        Map<String, String> reasons = reasons("""
                {"batchId": "b", "team": "t", "campaign": "c", "shots": [
                 {"shotId": "1", "prompt": "ab"},
                 {"shotId": "2", "prompt": "A pan\\u0007 with a bell."},
                 {"shotId": "3", "prompt": "A pan.", "referenceImage": {"url": "file:///etc/passwd"}}]}""");

        assertThat(reasons.get("shots[0].prompt")).isEqualTo("is 2 characters; at least 3 are required");
        assertThat(reasons.get("shots[1].prompt")).isEqualTo("must not contain control characters");
        assertThat(reasons.get("shots[2].referenceImage.url"))
                .isEqualTo("'file:///etc/passwd' must be an absolute http or https URL or an inline data URL");
    }

    @Test
    void aPromptsLengthIsCountedInCharactersAnEmojiBeingOne() throws Exception {
        // 1,500 emoji are 3,000 UTF-16 units: within 2,000 characters all the same, as a Python client counts them.
        String emoji = "🎬".repeat(1_500);
        assertThat(reasons("""
                {"batchId": "b", "team": "t", "campaign": "c", "shots": [{"shotId": "1", "prompt": "%s"},
                 {"shotId": "2", "prompt": "%s"}]}""".formatted(emoji, "🎬".repeat(2_001))))
                .containsExactly(Map.entry("shots[1].prompt", "is 2001 characters; at most 2000 are allowed"));
    }

    @Test
    void refusesTextCutInsideACharacterWhereverItIs() throws Exception {
        // A client that cut a prompt to a length in UTF-16 units can split an emoji and send half of it.
        Map<String, String> reasons = reasons("""
                {"batchId": "b", "team": "t", "campaign": "c", "shots": [
                 {"shotId": "1", "prompt": "A toast at sunset \\ud83e"},
                 {"shotId": "2", "prompt": "A toast at sunset \\ud83e\\udd42"}],
                 "brand": {"endCard": {"text": "\\udd42 Cheers"}}}""");

        assertThat(reasons.get("shots[0].prompt")).startsWith("holds half of a character at character 18 (the lone"
                + " surrogate \\ud83e");
        assertThat(reasons).doesNotContainKey("shots[1].prompt");
        assertThat(reasons.get("brand.endCard.text")).startsWith("holds half of a character at character 0");
    }

    @Test
    void refusesModelsThatAreUnknownOrWhoseProviderIsNotConfigured() throws Exception {
        Map<String, String> reasons = reasons("""
                {"batchId": "b", "team": "t", "campaign": "c",
                 "defaults": {"route": {"draftModel": "sora-2", "finalModel": "nope"}},
                 "shots": [{"shotId": "1", "prompt": "A pan."}]}""");

        assertThat(reasons.get("defaults.route.draftModel"))
                .isEqualTo("model 'sora-2' runs on provider 'openai', which is not configured in this deployment; "
                        + "available models: [draft-only, local-preview]");
        assertThat(reasons.get("defaults.route.finalModel"))
                .isEqualTo("names unknown model 'nope'; available models: [draft-only, local-preview]");
    }

    @Test
    void aRouteNamesModelsInTheOrderTheyAreTriedAndEveryOneIsChecked() throws Exception {
        assertThat(reasons("""
                {"batchId": "b", "team": "t", "campaign": "c",
                 "defaults": {"route": {"draftModel": ["local-preview", "nope"]}},
                 "shots": [{"shotId": "1", "prompt": "A pan."}]}""").get("defaults.route.draftModel[1]"))
                .startsWith("names unknown model 'nope'");
        // A model known here but whose provider is not configured may stand beside one that is: jobs move past it.
        BatchValidator.Result accepted = validate("""
                {"batchId": "b", "team": "t", "campaign": "c",
                 "defaults": {"route": {"draftModel": ["sora-2", "local-preview"]}},
                 "shots": [{"shotId": "1", "prompt": "A pan."}]}""");
        assertThat(accepted.violations()).isEmpty();
        assertThat(accepted.batch().draftRoute()).containsExactly("sora-2", "local-preview");
        assertThat(accepted.batch().draftModel()).isEqualTo("sora-2");
        // Alone, it cannot make anything here.
        assertThat(reasons("""
                {"batchId": "b", "team": "t", "campaign": "c",
                 "defaults": {"route": {"draftModel": ["sora-2"]}},
                 "shots": [{"shotId": "1", "prompt": "A pan."}]}""").get("defaults.route.draftModel[0]"))
                .contains("not configured in this deployment");
        // Every model of a final route must make every final.
        assertThat(reasons("""
                {"batchId": "b", "team": "t", "campaign": "c",
                 "defaults": {"route": {"finalModel": ["local-preview", "draft-only"]}},
                 "shots": [{"shotId": "1", "prompt": "A pan."}]}""").get("defaults.route.finalModel[1]"))
                .contains("model 'draft-only' cannot make");
        assertThat(validate("""
                {"batchId": "b", "team": "t", "campaign": "c",
                 "defaults": {"route": {"draftModel": ["local-preview", "local-preview"]}},
                 "shots": [{"shotId": "1", "prompt": "A pan."}]}""").violations()).isNotEmpty();
        assertThat(validate("""
                {"batchId": "b", "team": "t", "campaign": "c",
                 "defaults": {"route": {"draftModel": []}},
                 "shots": [{"shotId": "1", "prompt": "A pan."}]}""").violations()).isNotEmpty();
    }

    @Test
    void referenceImagesMayBeInlineImagesAndNameHowTheyAreFitted() throws Exception {
        Map<String, String> reasons = reasons("""
                {"batchId": "b", "team": "t", "campaign": "c",
                 "shots": [{"shotId": "1", "prompt": "A pan.", "referenceImage": {"url": "data:image/png;base64,iVBORw0KGgo=", "fit": "strict"}},
                           {"shotId": "2", "prompt": "A tilt.", "referenceImage": {"url": "data:text/html;base64,PGI+", "fit": "stretch"}},
                           {"shotId": "3", "prompt": "A zoom.", "referenceImage": {"url": "ftp://img.example.com/a.png"}}]}""");

        assertThat(reasons).doesNotContainKeys("shots[0].referenceImage.url", "shots[0].referenceImage.fit");
        assertThat(reasons.get("shots[1].referenceImage.url")).contains("not a base64 PNG, JPEG or WebP image");
        assertThat(reasons.get("shots[1].referenceImage.fit")).isEqualTo("'stretch' is not allowed; use one of [crop, strict]");
        assertThat(reasons.get("shots[2].referenceImage.url")).contains("http or https URL or an inline data URL");
    }

    @Test
    void refusesJobsTheChosenModelCannotMakeNamingItsAllowedValues() throws Exception {
        Map<String, String> reasons = reasons("""
                {"batchId": "b", "team": "t", "campaign": "c",
                 "defaults": {"route": {"draftModel": "draft-only", "finalModel": "draft-only"}},
                 "shots": [{"shotId": "1", "prompt": "A pan."},
                           {"shotId": "2", "prompt": "A tilt.", "aspectRatio": "portrait",
                            "referenceImage": {"url": "https://img.example.com/a.png"}}]}""");

        assertThat(reasons.get("defaults.route.finalModel"))
                .contains("model 'draft-only' cannot make 12-second clips: it makes [4] seconds in one call and takes"
                        + " no reference image to chain longer clips from segments")
                .contains("model 'draft-only' cannot make 1792x1024; it makes [1280x720, 720x1280]")
                .contains("model 'draft-only' cannot make 1024x1792; it makes [1280x720, 720x1280]");
        assertThat(reasons).doesNotContainKey("defaults.route.draftModel");
        assertThat(reasons.get("shots[1].referenceImage")).isEqualTo("model 'draft-only' takes no reference image");
        assertThat(reasons).doesNotContainKey("shots[0].referenceImage");
    }

    @Test
    void aDeploymentRequiringTheApprovedLookRefusesFinalModelsThatTakeNoImage() throws Exception {
        Map<String, String> t2v = Map.of("reelflow.models.t2v.provider", "local",
                "reelflow.models.t2v.reference-image", "false");
        String batch = """
                {"batchId": "b", "team": "t", "campaign": "c",
                 "defaults": {"route": {"draftModel": "local-preview", "finalModel": "t2v"}, "finalReview": "manual"},
                 "shots": [{"shotId": "1", "prompt": "A pan.", "finalReview": "auto"}]}""";
        java.util.Map<String, String> strict = new java.util.HashMap<>(t2v);
        strict.put("reelflow.review.require-approved-look", "true");

        BatchValidator.Result lenient = TestConfig.batchValidator(t2v).validate(JSON.readTree(batch));
        BatchValidator.Result refused = TestConfig.batchValidator(strict).validate(JSON.readTree(batch));

        assertThat(lenient.violations()).isEmpty();
        assertThat(lenient.batch().shots().get(0).finalReview()).isEqualTo("auto");
        assertThat(refused.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("defaults.route.finalModel");
            assertThat(v.reason()).contains("model 't2v' takes no image").contains("require-approved-look");
        });
    }

    @Test
    void rejectsANonObjectPayload() throws Exception {
        assertThat(reasons("[1, 2]")).containsExactly(Map.entry("$", "must be a JSON object"));
    }

    @Test
    void readsPlacementsWithShotOverridesFocusAndCaptions() throws Exception {
        BatchValidator.Result result = validate("""
                {"batchId": "b-1", "team": "acme", "campaign": "spring",
                 "defaults": {"deliverables": ["reels", "youtube",
                     {"name": "dooh", "width": 1280, "height": 720, "maxSeconds": 6, "targetLufs": -23,
                      "truePeakDbtp": -2, "safeArea": {"bottom": 0.1}}]},
                 "shots": [{"shotId": "s1", "prompt": "A tilt up a lighthouse.", "focus": {"x": 0.25, "y": 0.4},
                            "captions": [{"start": 0, "end": 2.5, "text": "Light the way"},
                                         {"start": 2.5, "end": 30, "text": "All night"}]},
                           {"shotId": "s2", "prompt": "A dolly along a pier.", "aspectRatio": "portrait",
                            "deliverables": ["feed-4x5", "square"]}]}""");

        assertThat(result.violations()).isEmpty();
        CampaignBatch.ShotRequest s1 = result.batch().shots().get(0);
        assertThat(s1.deliverables()).extracting(p -> p.name() + " " + p.size() + " " + p.maxSeconds() + "s "
                + p.targetLufs() + " " + p.truePeakCeiling()).containsExactly(
                        "reels 1080x1920 90s -14.0 -1.0", "youtube 1920x1080 60s -14.0 -1.0",
                        "dooh 1280x720 6s -23.0 -2.0");
        assertThat(s1.deliverables().get(2).safeArea()).isEqualTo(new Placement.SafeArea(0.05, 0.05, 0.1, 0.05));
        assertThat(s1.focus()).isEqualTo(new Deliverables.Focus(0.25, 0.4));
        assertThat(s1.captions()).extracting(Captions.Cue::text).containsExactly("Light the way", "All night");
        assertThat(s1.masters()).as("portrait and landscape placements: two masters, the shot's own first")
                .containsExactly(AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT);
        CampaignBatch.ShotRequest s2 = result.batch().shots().get(1);
        assertThat(s2.deliverables()).extracting(Placement::name).containsExactly("feed-4x5", "square");
        assertThat(s2.focus()).isNull();
        assertThat(s2.masters()).containsExactly(AspectRatio.PORTRAIT);
    }

    @Test
    void namesEveryPlacementAndCaptionProblem() throws Exception {
        Map<String, String> reasons = reasons("""
                {"batchId": "b-1", "team": "acme", "campaign": "spring",
                 "defaults": {"deliverables": ["reelz", "reels", "reels", 7,
                     {"name": "square", "width": 100, "height": 101},
                     {"name": "odd", "width": 1081, "height": 1920, "targetLufs": -3, "truePeakDbtp": 1,
                      "safeArea": {"top": 0.6}}]},
                 "shots": [{"shotId": "s1", "prompt": "A tilt up a lighthouse.", "focus": {"x": 1.5},
                            "captions": [{"start": 3, "end": 2, "text": "Backwards"},
                                         {"start": 1, "end": 4, "text": "Early"},
                                         {"start": 5, "end": 6, "text": "Too early"},
                                         {"start": 13, "end": 14, "text": "After the end"},
                                         {"start": 14, "end": 15, "text": "bell\\u0007"}]},
                           {"shotId": "s2", "prompt": "A dolly along a pier.", "deliverables": [],
                            "captions": [{"start": 0, "end": 1, "text": "Nowhere to go"}]}]}""");

        assertThat(reasons.get("defaults.deliverables[0]")).contains("'reelz' is not allowed").contains("tiktok");
        assertThat(reasons.get("defaults.deliverables[2]")).contains("names placement 'reels' a second time");
        assertThat(reasons.get("defaults.deliverables[3]")).isEqualTo("must be a string or an object");
        assertThat(reasons).as("a standard placement may be changed").doesNotContainKey("defaults.deliverables[4].name");
        assertThat(reasons.get("defaults.deliverables[4].width")).contains("at least 128");
        assertThat(reasons.get("defaults.deliverables[4].height")).contains("multiple of 2");
        assertThat(reasons.get("defaults.deliverables[5].width")).contains("multiple of 2");
        assertThat(reasons.get("defaults.deliverables[5].targetLufs")).contains("-5");
        assertThat(reasons.get("defaults.deliverables[5].truePeakDbtp")).contains("0");
        assertThat(reasons.get("defaults.deliverables[5].safeArea.top")).contains("0.45");
        assertThat(reasons.get("shots[0].focus.y")).isEqualTo("is required");
        assertThat(reasons.get("shots[0].focus.x")).contains("at most 1");
        assertThat(reasons.get("shots[0].captions[0].end")).contains("not after its start");
        assertThat(reasons.get("shots[0].captions[1].start")).contains("before the previous line ends (2 s)");
        assertThat(reasons.get("shots[0].captions[3].start")).contains("the final lasts 12 s");
        assertThat(reasons.get("shots[0].captions[4].text")).contains("control characters");
        assertThat(reasons.get("shots[1].deliverables")).contains("at least one");
        assertThat(reasons.get("shots[1].captions")).contains("has none");
    }

    @Test
    void textDrawnIntoThePictureMustBeInTheTypefacesReach() throws Exception {
        // Japanese and an emoji burnt into reels would be empty boxes; the same lines as caption files only are fine,
        // and so are Greek, Cyrillic and accented Latin burnt in.
        Map<String, String> reasons = reasons("""
                {"batchId": "b-1", "team": "acme", "campaign": "spring",
                 "defaults": {"deliverables": [{"name": "reels", "burnCaptions": true}, "youtube"]},
                 "brand": {"endCard": {"text": "新発売 Spring"}},
                 "shots": [{"shotId": "s1", "prompt": "A tilt up a lighthouse.",
                            "captions": [{"start": 0, "end": 2, "text": "灯台の光 🎬"},
                                         {"start": 2, "end": 4, "text": "Φως, свет, lumière"}]},
                           {"shotId": "s2", "prompt": "A dolly along a pier.", "deliverables": ["youtube"],
                            "captions": [{"start": 0, "end": 2, "text": "桟橋を歩く"}]}]}""");

        assertThat(reasons.get("shots[0].captions[0].text")).startsWith("holds characters the typeface text is drawn"
                + " in (DejaVu Sans Bold: ").contains("a placement of the shot burns its captions in: 灯 (U+706F),"
                + " 台 (U+53F0), の (U+306E), 光 (U+5149), 🎬 (U+1F3AC); they would show as empty boxes");
        assertThat(reasons).doesNotContainKeys("shots[0].captions[1].text", "shots[1].captions[0].text");
        assertThat(reasons.get("brand.endCard.text")).contains("the end card is drawn: 新 (U+65B0), 発 (U+767A),"
                + " 売 (U+58F2);");
    }

    @Test
    void readsTheBrandKitAndStandardPlacementsWithChanges() throws Exception {
        String logo = "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(
                new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0});
        BatchValidator.Result result = validate("""
                {"batchId": "b-1", "team": "acme", "campaign": "spring",
                 "defaults": {"deliverables": [{"name": "reels", "burnCaptions": true, "targetLufs": -16}, "square"]},
                 "brand": {"logo": {"url": "%s", "corner": "bottom-left"},
                           "endCard": {"text": "Shop now"}, "aiLabel": true},
                 "shots": [{"shotId": "s1", "prompt": "A tilt up a lighthouse."}]}""".formatted(logo));

        assertThat(result.violations()).isEmpty();
        Placement reels = result.batch().shots().get(0).deliverables().get(0);
        assertThat(reels.size()).isEqualTo(new io.reelflow.media.FrameSize(1080, 1920));
        assertThat(reels.targetLufs()).isEqualTo(-16);
        assertThat(reels.burnCaptions()).isTrue();
        assertThat(reels.safeArea()).isEqualTo(Placement.standard("reels").orElseThrow().safeArea());
        assertThat(result.batch().shots().get(0).deliverables().get(1).burnCaptions()).isFalse();
        io.reelflow.campaign.Brand brand = result.batch().brand();
        assertThat(brand.logoUrl()).isEqualTo(logo);
        assertThat(brand.corner()).isEqualTo("bottom-left");
        assertThat(brand.endCard()).isEqualTo(new io.reelflow.campaign.Brand.EndCard(2, "Shop now", "#000000",
                "#ffffff"));
        assertThat(brand.aiLabel()).isTrue();
    }

    @Test
    void namesEveryBrandKitProblem() throws Exception {
        Map<String, String> reasons = reasons("""
                {"batchId": "b-1", "team": "acme", "campaign": "spring",
                 "defaults": {"deliverables": [{"name": "dooh", "height": 720}]},
                 "brand": {"logo": {"url": "data:image/png;base64,AAAA", "corner": "middle", "width": 0.9},
                           "endCard": {"seconds": 5, "text": "", "background": "#12", "textColor": "white"},
                           "aiLabel": "yes"},
                 "shots": [{"shotId": "s1", "prompt": "A tilt up a lighthouse."}]}""");

        assertThat(reasons.get("defaults.deliverables[0].width")).contains("is required for the custom placement"
                + " 'dooh'");
        assertThat(reasons.get("brand.logo.url")).contains("not a PNG, JPEG or WebP");
        assertThat(reasons.get("brand.logo.corner")).contains("'middle' is not allowed");
        assertThat(reasons.get("brand.logo.width")).contains("at most 0.4");
        assertThat(reasons.get("brand.endCard.seconds")).contains("at most 3");
        assertThat(reasons.get("brand.endCard.text")).contains("at least 1");
        assertThat(reasons.get("brand.endCard.background")).contains("'#12' must be a colour written #rrggbb");
        assertThat(reasons.get("brand.endCard.textColor")).contains("must be a colour");
        assertThat(reasons.get("brand.aiLabel")).isEqualTo("must be a boolean");
        assertThat(reasons.get("brand")).contains("no shot has placements");
    }

    @Test
    void anEndCardMustLeaveEveryPlacementSomePicture() throws Exception {
        Map<String, String> reasons = reasons("""
                {"batchId": "b-1", "team": "acme", "campaign": "spring",
                 "defaults": {"deliverables": ["square", {"name": "bumper", "width": 640, "height": 360,
                     "maxSeconds": 2}]},
                 "brand": {"endCard": {"seconds": 1.5, "text": "Shop now"}},
                 "shots": [{"shotId": "s1", "prompt": "A tilt up a lighthouse."}]}""");

        assertThat(reasons).containsOnlyKeys("brand.endCard.seconds");
        assertThat(reasons.get("brand.endCard.seconds"))
                .isEqualTo("is 1.5 s, which leaves placement 'bumper' (at most 2 s) less than 1 s of picture");
    }

    private BatchValidator.Result validate(String json) throws Exception {
        JsonNode root = JSON.readTree(json);
        return validator.validate(root);
    }

    private Map<String, String> reasons(String json) throws Exception {
        BatchValidator.Result result = validate(json);
        assertThat(result.valid()).isFalse();
        assertThat(result.batch()).isNull();
        return result.violations().stream()
                .collect(Collectors.toMap(Violation::field, Violation::reason, (a, b) -> a + "; " + b,
                        java.util.LinkedHashMap::new));
    }
}
