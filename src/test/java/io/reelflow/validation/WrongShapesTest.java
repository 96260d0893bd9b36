package io.reelflow.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.intake.BatchValidator;
import io.reelflow.review.DecisionValidator;
import io.reelflow.testkit.TestConfig;

/**
 * Every value of a full batch and of a full decision, replaced in turn by a value of each other JSON shape, or
 * removed: the validators answer each with violations naming a field (or accept it), never with an exception, which
 * would be a server error over REST and a message dead-lettered without an answer on Kafka.
 */
class WrongShapesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WRONG = List.of("null", "true", "0", "-1", "1e300", "\"\"", "\"x\"", "[]",
            "{}", "[{}]", "[null]", "{\"a\":{}}", "\"\\u0000\"");

    @Test
    void aBatchOfAnyShapeIsAnsweredWithViolations() throws Exception {
        BatchValidator validator = TestConfig.batchValidator(Map.of());
        JsonNode sample;
        try (InputStream in = getClass().getResourceAsStream("/samples/spring-launch.json")) {
            sample = JSON.readTree(in);
        }
        assertThat(validator.validate(sample).violations()).as("the sample itself").isEmpty();
        int tried = everyVariant(sample, variant -> {
            BatchValidator.Result result = validator.validate(variant);
            assertThat(result.violations()).allSatisfy(this::named);
        });
        assertThat(tried).isGreaterThan(1_000);
    }

    @Test
    void aDecisionOfAnyShapeIsAnsweredWithViolations() throws Exception {
        DecisionValidator validator = new DecisionValidator(TestConfig.reelflow(Map.of()), JSON);
        int tried = 0;
        for (String decision : List.of("""
                {"decisionId": "d-1", "team": "acme", "campaign": "spring", "batchId": "b1", "shotId": "s1",
                 "revision": 2, "stage": "draft", "decision": "revise", "revisedPrompt": "Slower orbit at dusk.",
                 "reviewer": "dana", "note": "warmer", "keepSeed": true}""", """
                {"decisionId": "d-2", "team": "acme", "campaign": "spring", "batchId": "b1", "shotId": "s1",
                 "revision": 2, "stage": "draft", "decision": "approve", "reviewer": "dana", "fromSecond": 1.5}""")) {
            JsonNode sample = JSON.readTree(decision);
            assertThat(validator.validate(sample, decision).violations()).as("the sample itself").isEmpty();
            tried += everyVariant(sample, variant -> {
                DecisionValidator.Result result = validator.validate(variant, variant.toString());
                assertThat(result.violations()).allSatisfy(this::named);
                assertThat(result.decisionId()).isNotBlank();
            });
        }
        assertThat(tried).isGreaterThan(300);
    }

    private void named(Violation v) {
        assertThat(v.field()).isNotBlank();
        assertThat(v.reason()).isNotBlank();
    }

    /** Runs {@code check} on each variant of {@code sample}; returns how many there were. */
    private static int everyVariant(JsonNode sample, Consumer<JsonNode> check) throws Exception {
        List<String> paths = new ArrayList<>();
        collect(sample, "", paths);
        int tried = 0;
        for (String path : paths) {
            for (String wrong : WRONG) {
                JsonNode variant = sample.deepCopy();
                replace(variant, path, JSON.readTree(wrong));
                run(check, variant, path + " = " + wrong);
                tried++;
            }
            JsonNode variant = sample.deepCopy();
            replace(variant, path, null);
            run(check, variant, path + " removed");
            tried++;
        }
        return tried;
    }

    private static void run(Consumer<JsonNode> check, JsonNode variant, String what) {
        assertThatCode(() -> check.accept(variant)).as(what).doesNotThrowAnyException();
    }

    /** Paths as JSON pointers of every value below the root. */
    private static void collect(JsonNode node, String at, List<String> paths) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                paths.add(at + "/" + name);
                collect(object.get(name), at + "/" + name, paths);
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                paths.add(at + "/" + i);
                collect(array.get(i), at + "/" + i, paths);
            }
        }
    }

    /** Puts {@code value} at {@code path}, or removes what is there when it is null. */
    private static void replace(JsonNode root, String path, JsonNode value) {
        int cut = path.lastIndexOf('/');
        ContainerNode<?> parent = (ContainerNode<?>) root.at(path.substring(0, cut));
        String last = path.substring(cut + 1);
        if (parent instanceof ObjectNode object) {
            if (value == null) {
                object.remove(last);
            } else {
                object.set(last, value);
            }
        } else {
            ArrayNode array = (ArrayNode) parent;
            int index = Integer.parseInt(last);
            if (value == null) {
                array.remove(index);
            } else {
                array.set(index, value);
            }
        }
    }
}
