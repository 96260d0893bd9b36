package io.reelflow.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;

import io.reelflow.testkit.TestConfig;

/** The published decision schema and the service's validator agree. */
class DraftReviewSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DecisionValidator validator = new DecisionValidator(TestConfig.reelflow(Map.of()), new ObjectMapper());

    private static final String VALID = """
            {"decisionId": "d-1", "team": "acme", "campaign": "spring", "batchId": "b1", "shotId": "s1",
             "revision": 1, "decision": "revise", "revisedPrompt": "Slower orbit at dusk.", "reviewer": "dana"}""";

    @Test
    void schemaAndServiceAgree() throws Exception {
        String[] messages = {
            VALID,
            VALID.replace("\"revise\"", "\"approve\""),
            VALID.replace(", \"revisedPrompt\": \"Slower orbit at dusk.\"", ""),
            VALID.replace("\"revision\": 1", "\"revision\": 0"),
            VALID.replace("\"revise\"", "\"maybe\""),
            VALID.replace("\"reviewer\": \"dana\"", "\"reviewer\": \"dana\", \"mood\": 1"),
        };
        boolean[] valid = {true, false, false, false, false, false};
        for (int i = 0; i < messages.length; i++) {
            JsonNode node = JSON.readTree(messages[i]);
            assertThat(schema().validate(node).isEmpty()).as("schema on message %d", i).isEqualTo(valid[i]);
            assertThat(validator.validate(node, messages[i]).valid()).as("service on message %d", i)
                    .isEqualTo(valid[i]);
        }
    }

    private static JsonSchema schema() throws Exception {
        try (InputStream in = DraftReviewSchemaTest.class.getResourceAsStream("/schemas/draft-review.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }
}
