package io.reelflow.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.reelflow.testkit.TestConfig;

/** The published JSON Schema and the service's validator agree on the sample and on typical mistakes. */
class CampaignBatchSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BatchValidator validator = TestConfig.batchValidator(Map.of());

    @Test
    void theSampleCampaignIsValidForTheSchemaAndTheService() throws Exception {
        JsonNode sample = resource("/samples/spring-launch.json");

        assertThat(schema().validate(sample)).isEmpty();
        assertThat(validator.validate(sample).violations()).isEmpty();
    }

    @Test
    void schemaAndServiceRejectTheSameMistakes() throws Exception {
        JsonNode sample = resource("/samples/spring-launch.json");
        String[][] mistakes = {
            {"/shots/0", "aspectRatio", "\"square\""},
            {"/shots/1", "shotId", "\"../up\""},
            {"/shots/2", "prompt", "\"\""},
            {"", "team", "\"a b\""},
            {"/budget", "limitUsd", "0"},
            {"/shots/3", "tone", "\"warm\""},
        };
        for (String[] mistake : mistakes) {
            ObjectNode broken = sample.deepCopy();
            ObjectNode parent = (ObjectNode) (mistake[0].isEmpty() ? broken : broken.at(mistake[0]));
            parent.set(mistake[1], JSON.readTree(mistake[2]));

            Set<ValidationMessage> schemaErrors = schema().validate(broken);
            assertThat(schemaErrors).as("schema on %s.%s=%s", mistake[0], mistake[1], mistake[2]).isNotEmpty();
            assertThat(validator.validate(broken).violations())
                    .as("service on %s.%s=%s", mistake[0], mistake[1], mistake[2]).isNotEmpty();
        }
    }

    private static JsonSchema schema() throws Exception {
        try (InputStream in = CampaignBatchSchemaTest.class.getResourceAsStream("/schemas/campaign-batch.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    private static JsonNode resource(String path) throws Exception {
        try (InputStream in = CampaignBatchSchemaTest.class.getResourceAsStream(path)) {
            return JSON.readTree(in);
        }
    }
}
