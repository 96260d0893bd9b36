package io.reelflow.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The schema check names fields as paths and words its reasons from the published schemas. */
class JsonSchemaCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonSchemaCheck batches = new JsonSchemaCheck("/schemas/campaign-batch.schema.json");
    private final JsonSchemaCheck decisions = new JsonSchemaCheck("/schemas/draft-review.schema.json");

    @Test
    void namesNestedFieldsAsPathsWithTheirIndexes() throws Exception {
        List<Violation> found = batches.violations(JSON.readTree("""
                {"batchId": "b", "team": "t", "campaign": "c",
                 "shots": [{"shotId": "s1", "prompt": "A slow pan."},
                           {"shotId": "s2", "prompt": "A tilt.", "referenceImage": {"fit": "crop"}}]}"""));

        assertThat(found).containsExactly(new Violation("shots[1].referenceImage.url", "is required"));
    }

    @Test
    void aValueOfTheWrongTypeGetsThatReasonAlone() throws Exception {
        List<Violation> found = batches.violations(JSON.readTree("""
                {"batchId": "b", "team": "t", "campaign": "c", "defaults": {"aspectRatio": 16},
                 "shots": [{"shotId": "s1", "prompt": "A slow pan."}]}"""));

        assertThat(found).containsExactly(new Violation("defaults.aspectRatio", "must be a string"));
    }

    @Test
    void unknownFieldsAreNamedWithTheFieldsThatAreKnown() throws Exception {
        List<Violation> found = batches.violations(JSON.readTree("""
                {"batchId": "b", "team": "t", "campaign": "c", "colour": "red",
                 "shots": [{"shotId": "s1", "prompt": "A slow pan."}]}"""));

        assertThat(found).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("colour");
            assertThat(v.reason()).isEqualTo("is not a known field; known fields: [batchId, brand, budget,"
                    + " campaign, contentCredentials, defaults, shots, team]");
        });
    }

    @Test
    void aFailedPatternIsExplainedByTheSchemasDescription() throws Exception {
        List<Violation> found = batches.violations(JSON.readTree("""
                {"batchId": "a/b", "team": "t", "campaign": "c",
                 "shots": [{"shotId": "s1", "prompt": "A slow pan.",
                            "referenceImage": {"url": "data:text/html;base64,PGI+"}}]}"""));

        assertThat(found).containsExactly(
                new Violation("batchId", "'a/b' must be 1-64 characters of letters, digits, '.', '_' or '-', starting"
                        + " with a letter or digit, without '..' (it is used in object keys)"),
                new Violation("shots[0].referenceImage.url", "'data:text/html;base64,PGI+' is a data URL but not a"
                        + " base64 PNG, JPEG or WebP image (data:image/png;base64,...)"));
    }

    @Test
    void conditionalRulesNameTheFieldTheyAreAbout() throws Exception {
        List<Violation> approveWithPrompt = decisions.violations(JSON.readTree("""
                {"team": "t", "campaign": "c", "batchId": "b", "shotId": "s", "revision": 1,
                 "decision": "approve", "revisedPrompt": "Slower.", "reviewer": "dana"}"""));
        List<Violation> reviseWithout = decisions.violations(JSON.readTree("""
                {"team": "t", "campaign": "c", "batchId": "b", "shotId": "s", "revision": 1,
                 "decision": "revise", "reviewer": "dana"}"""));

        assertThat(approveWithPrompt).containsExactly(new Violation("revisedPrompt", "is only for 'revise' decisions"));
        assertThat(reviseWithout).containsExactly(new Violation("revisedPrompt", "is required"));
    }

    @Test
    void longValuesAndNamesAreShortenedInReasons() throws Exception {
        String name = "x".repeat(200);
        List<Violation> found = batches.violations(JSON.readTree("""
                {"batchId": "b", "team": "t", "campaign": "c", "%s": 1,
                 "shots": [{"shotId": "s1", "prompt": "A slow pan."}]}""".formatted(name)));

        assertThat(found).singleElement().satisfies(v -> assertThat(v.field()).hasSize(80).endsWith("..."));
    }
}
