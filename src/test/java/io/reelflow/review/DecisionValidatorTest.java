package io.reelflow.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.validation.Violation;
import io.reelflow.testkit.TestConfig;

class DecisionValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DecisionValidator validator = new DecisionValidator(TestConfig.reelflow(Map.of()), JSON);

    @Test
    void acceptsARevisionRequestAndKeepsItsFields() throws Exception {
        String payload = """
                {"decisionId": "d-1", "team": "acme", "campaign": "spring", "batchId": "b1", "shotId": "s1",
                 "revision": 2, "decision": "revise", "revisedPrompt": " Slower orbit at dusk. ",
                 "reviewer": "dana", "note": "warmer"}""";
        DecisionValidator.Result result = validator.validate(JSON.readTree(payload), payload);

        assertThat(result.violations()).isEmpty();
        Decision d = result.decision();
        assertThat(d.kind()).isEqualTo(Decision.Kind.REVISE);
        assertThat(d.revisedPrompt()).isEqualTo("Slower orbit at dusk.");
        assertThat(d.revision()).isEqualTo(2);
        assertThat(d.shotKey()).isEqualTo("acme/b1/s1");
    }

    @Test
    void derivesTheSameDecisionIdForTheSameMessage() throws Exception {
        String payload = """
                {"team": "acme", "campaign": "c", "batchId": "b1", "shotId": "s1", "revision": 1,
                 "decision": "approve", "reviewer": "dana"}""";
        String first = validator.validate(JSON.readTree(payload), payload).decision().decisionId();
        String again = validator.validate(JSON.readTree(payload), payload).decision().decisionId();
        String other = validator.validate(JSON.readTree(payload.replace("dana", "lee")),
                payload.replace("dana", "lee")).decision().decisionId();

        assertThat(first).startsWith("sha256:").isEqualTo(again).isNotEqualTo(other);
    }

    @Test
    void bytesThatAreNotUtf8AndTextCutInsideACharacterAreRefusedNamingWhere() {
        byte[] latin1 = """
                {"team": "acme", "campaign": "c", "batchId": "b1", "shotId": "s1", "revision": 1,
                 "decision": "approve", "reviewer": "Zoë"}""".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        DecisionValidator.Result notUtf8 = validator.read(io.reelflow.validation.JsonText.decode(latin1));
        assertThat(notUtf8.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("$");
            assertThat(v.reason()).startsWith("not UTF-8: the text has the byte 0xEB at offset ");
        });
        assertThat(notUtf8.decisionId()).startsWith("sha256:");

        DecisionValidator.Result cut = validator.read("""
                {"team": "acme", "campaign": "c", "batchId": "b1", "shotId": "s1", "revision": 1,
                 "decision": "reject", "reviewer": "dana", "note": "too dark \\ud83c"}""");
        assertThat(cut.violations()).extracting(Violation::field).containsExactly("note");
        assertThat(cut.violations().get(0).reason()).startsWith("holds half of a character at character 9");
    }

    @Test
    void aRevisionBeyondWhatARevisionCanBeIsRefusedNotWrappedAround() {
        // 2^32 + 1 read as a Java int is 1: the decision would have judged revision 1.
        DecisionValidator.Result huge = validator.read("""
                {"team": "acme", "campaign": "c", "batchId": "b1", "shotId": "s1", "revision": 4294967297,
                 "decision": "approve", "reviewer": "dana"}""");
        assertThat(huge.violations()).extracting(Violation::field).containsExactly("revision");
        assertThat(validator.read("""
                {"team": "acme", "campaign": "c", "batchId": "b1", "shotId": "s1", "revision": 2147483647,
                 "decision": "approve", "reviewer": "dana"}""").decision().revision()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void readsTextThatIsNotJsonAsARefusalWithAStableId() {
        DecisionValidator.Result garbled = validator.read("{\"decision\": appro");
        DecisionValidator.Result again = validator.read("{\"decision\": appro");
        DecisionValidator.Result empty = validator.read("  ");

        assertThat(garbled.valid()).isFalse();
        assertThat(garbled.violations()).singleElement()
                .satisfies(v -> assertThat(v.field()).isEqualTo("$"))
                .satisfies(v -> assertThat(v.reason()).startsWith("not valid JSON"));
        assertThat(garbled.decisionId()).startsWith("sha256:").isEqualTo(again.decisionId())
                .isNotEqualTo(empty.decisionId());
        assertThat(empty.violations()).extracting(Violation::reason).containsExactly("must be a JSON object");
    }

    @Test
    void aRefusedMessageKeepsTheSendersDecisionId() {
        DecisionValidator.Result refused = validator.read("""
                {"decisionId": "d-9", "team": "acme", "decision": "maybe"}""");

        assertThat(refused.valid()).isFalse();
        assertThat(refused.decisionId()).isEqualTo("d-9");
    }

    @Test
    void namesEveryProblem() throws Exception {
        String payload = """
                {"decisionId": "has space", "team": "acme", "batchId": "b1", "shotId": "../s1", "revision": 0,
                 "decision": "approve", "revisedPrompt": "A better shot.", "reviewer": " ", "extra": 1}""";
        Map<String, String> reasons = validator.validate(JSON.readTree(payload), payload).violations().stream()
                .collect(Collectors.toMap(Violation::field, Violation::reason));

        assertThat(reasons).containsOnlyKeys("decisionId", "campaign", "shotId", "revision", "revisedPrompt",
                "reviewer", "extra");
        assertThat(reasons.get("revisedPrompt")).isEqualTo("is only for 'revise' decisions");
        assertThat(reasons.get("revision")).isEqualTo("must be at least 1");
        assertThat(reasons.get("reviewer")).isEqualTo("must not be empty");
    }

    @Test
    void reviseNeedsARevisedPrompt() throws Exception {
        String payload = """
                {"team": "acme", "campaign": "c", "batchId": "b1", "shotId": "s1", "revision": 1,
                 "decision": "revise", "reviewer": "dana"}""";
        assertThat(validator.validate(JSON.readTree(payload), payload).violations())
                .containsExactly(new Violation("revisedPrompt", "is required"));
    }

    @Test
    void aFinalIsApprovedOrRejectedAndOnlyAnApprovalOfADraftNamesTheSecondToStartFrom() throws Exception {
        String base = """
                {"team": "acme", "campaign": "c", "batchId": "b1", "shotId": "s1", "revision": 1, "reviewer": "dana",
                 %s}""";
        Map<String, String> reviseFinal = reasons(base.formatted(
                "\"stage\": \"final\", \"decision\": \"revise\", \"revisedPrompt\": \"A new take.\""));
        Map<String, String> rejectFrom = reasons(base.formatted("\"decision\": \"reject\", \"fromSecond\": 1"));
        Map<String, String> approveKeep = reasons(base.formatted("\"decision\": \"approve\", \"keepSeed\": true"));
        Map<String, String> finalFrom = reasons(base.formatted(
                "\"stage\": \"final\", \"decision\": \"approve\", \"fromSecond\": 1"));
        String approveFrom = base.formatted("\"decision\": \"approve\", \"fromSecond\": 1.5");

        assertThat(reviseFinal).containsEntry("decision", "'revise' is not allowed; use one of [approve, reject]");
        assertThat(rejectFrom).containsEntry("fromSecond", "is only for 'approve' decisions");
        assertThat(approveKeep).containsEntry("keepSeed", "is only for 'revise' decisions");
        assertThat(finalFrom).containsEntry("fromSecond", "is only for decisions on a draft");
        Decision approved = validator.validate(JSON.readTree(approveFrom), approveFrom).decision();
        assertThat(approved.fromSecond()).isEqualTo(1.5);
        assertThat(approved.onFinal()).isFalse();
    }

    private Map<String, String> reasons(String payload) throws Exception {
        return validator.validate(JSON.readTree(payload), payload).violations().stream()
                .collect(Collectors.toMap(Violation::field, Violation::reason, (a, b) -> a + "; " + b));
    }
}
