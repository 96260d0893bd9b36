package io.reelflow.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.provider.FailureKind;
import io.reelflow.provider.openai.OpenAiProvider;
import io.reelflow.provider.replicate.ReplicateProvider;
import io.reelflow.provider.veo.VeoProvider;

/**
 * How each provider's job answers map onto Reelflow's outcomes, from the answer shapes the providers document:
 * OpenAI {@code VideoResource} (openai-videos.openapi.yaml), Gemini operations
 * (https://ai.google.dev/gemini-api/docs/video) and Replicate predictions
 * (https://replicate.com/docs/topics/predictions/lifecycle).
 */
class StatusMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void openAiVideos() throws Exception {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        assertThat(OpenAiProvider.statusOf(json("{\"status\":\"in_progress\",\"progress\":40}"), Duration.ofMillis(500), now))
                .isEqualTo(new RemoteStatus.Running(40, Duration.ofMillis(500)));
        assertThat(OpenAiProvider.statusOf(json("{\"status\":\"completed\",\"expires_at\":1795700000}"), null, now))
                .isInstanceOf(RemoteStatus.Succeeded.class);
        assertThat(OpenAiProvider.statusOf(json("{\"status\":\"completed\",\"expires_at\":1700000000}"), null, now))
                .isInstanceOfSatisfying(RemoteStatus.Failed.class,
                        f -> assertThat(f.reason()).contains("expired"));
        assertThat(OpenAiProvider.statusOf(json("{\"status\":\"failed\",\"error\":{\"code\":\"moderation_blocked\","
                + "\"message\":\"blocked\"}}"), null, now))
                .isEqualTo(new RemoteStatus.Failed(FailureKind.MODERATION, "openai: blocked (moderation_blocked)"));
    }

    @Test
    void veoOperations() throws Exception {
        assertThat(VeoProvider.statusOf(json("{\"name\":\"models/m/operations/o\",\"done\":false}")))
                .isInstanceOf(RemoteStatus.Running.class);
        assertThat(VeoProvider.statusOf(json("{\"done\":true,\"response\":{\"generateVideoResponse\":{\"generatedSamples\":"
                + "[{\"video\":{\"uri\":\"https://example.test/v1beta/files/f:download?alt=media\"}}]}}}")))
                .isInstanceOf(RemoteStatus.Succeeded.class);
        assertThat(VeoProvider.statusOf(json("{\"done\":true,\"response\":{\"generateVideoResponse\":{"
                + "\"raiMediaFilteredCount\":1,\"raiMediaFilteredReasons\":[\"Unsafe content was detected.\"]}}}")))
                .isEqualTo(new RemoteStatus.Failed(FailureKind.MODERATION,
                        "veo filtered the video: Unsafe content was detected."));
        assertThat(VeoProvider.statusOf(json("{\"done\":true,\"error\":{\"code\":400,\"message\":\"durationSeconds out of"
                + " bound\",\"status\":\"INVALID_ARGUMENT\"}}")))
                .isInstanceOfSatisfying(RemoteStatus.Failed.class,
                        f -> assertThat(f.kind()).isEqualTo(FailureKind.INVALID_REQUEST));
        assertThat(VeoProvider.statusOf(json("{\"done\":true,\"response\":{\"generateVideoResponse\":{}}}")))
                .isEqualTo(new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "veo finished without a video"));
    }

    @Test
    void replicatePredictions() throws Exception {
        assertThat(ReplicateProvider.statusOf(json("{\"status\":\"processing\"}"))).isInstanceOf(RemoteStatus.Running.class);
        assertThat(ReplicateProvider.statusOf(json("{\"status\":\"succeeded\",\"output\":\"https://replicate.delivery/x.mp4\"}")))
                .isInstanceOf(RemoteStatus.Succeeded.class);
        assertThat(ReplicateProvider.statusOf(json("{\"status\":\"succeeded\",\"output\":\"https://replicate.delivery/x.mp4\","
                + "\"data_removed\":true}")))
                .isInstanceOfSatisfying(RemoteStatus.Failed.class, f -> assertThat(f.reason()).contains("output is gone"));
        assertThat(ReplicateProvider.statusOf(json("{\"status\":\"failed\",\"error\":\"NSFW content detected in input\"}")))
                .isEqualTo(new RemoteStatus.Failed(FailureKind.MODERATION, "replicate: NSFW content detected in input"));
        assertThat(ReplicateProvider.statusOf(json("{\"status\":\"canceled\"}")))
                .isInstanceOfSatisfying(RemoteStatus.Failed.class,
                        f -> assertThat(f.kind()).isEqualTo(FailureKind.CANCELLED));
    }

    @Test
    void klingTasks() throws Exception {
        assertThat(io.reelflow.provider.kling.KlingProvider.statusOf(json("{\"task_status\":\"processing\"}")))
                .isInstanceOf(RemoteStatus.Running.class);
        assertThat(io.reelflow.provider.kling.KlingProvider.statusOf(json("{\"task_status\":\"succeed\","
                + "\"task_result\":{\"videos\":[{\"url\":\"https://cdn.klingai.com/x.mp4\"}]}}")))
                .isInstanceOf(RemoteStatus.Succeeded.class);
        assertThat(io.reelflow.provider.kling.KlingProvider.statusOf(json("{\"task_status\":\"succeed\"}")))
                .isInstanceOfSatisfying(RemoteStatus.Failed.class, f -> assertThat(f.kind()).isEqualTo(FailureKind.PROVIDER_ERROR));
        assertThat(io.reelflow.provider.kling.KlingProvider.statusOf(json("{\"task_status\":\"failed\","
                + "\"task_status_msg\":\"Failure to pass the risk control system\"}")))
                .isEqualTo(new RemoteStatus.Failed(FailureKind.MODERATION, "kling: Failure to pass the risk control system",
                        "prompt"));
        assertThat(io.reelflow.provider.kling.KlingProvider.statusOf(json("{\"task_status\":\"failed\","
                + "\"task_status_msg\":\"image failed the risk control check\"}")))
                .isInstanceOfSatisfying(RemoteStatus.Failed.class, f -> assertThat(f.input()).isEqualTo("image"));
    }

    @Test
    void runwayTasksSayWhatWasRefused() throws Exception {
        assertThat(io.reelflow.provider.runway.RunwayProvider.statusOf(json("{\"status\":\"THROTTLED\"}")))
                .isInstanceOf(RemoteStatus.Running.class);
        assertThat(io.reelflow.provider.runway.RunwayProvider.statusOf(json("{\"status\":\"SUCCEEDED\","
                + "\"output\":[\"https://dnznrvs05pmza.cloudfront.net/x.mp4\"]}"))).isInstanceOf(RemoteStatus.Succeeded.class);
        for (String[] codeAndInput : new String[][] { { "SAFETY.INPUT.TEXT", "prompt" }, { "SAFETY.INPUT.IMAGE", "image" },
                { "SAFETY.OUTPUT.VIDEO", "output" } }) {
            assertThat(io.reelflow.provider.runway.RunwayProvider.statusOf(json("{\"status\":\"FAILED\","
                    + "\"failure\":\"refused\",\"failureCode\":\"" + codeAndInput[0] + "\"}")))
                    .isEqualTo(new RemoteStatus.Failed(FailureKind.MODERATION, "runway: refused (" + codeAndInput[0] + ")",
                            codeAndInput[1]));
        }
        assertThat(io.reelflow.provider.runway.RunwayProvider.statusOf(json("{\"status\":\"FAILED\","
                + "\"failure\":\"bad output\",\"failureCode\":\"INTERNAL.BAD_OUTPUT.CODE01\"}")))
                .isInstanceOfSatisfying(RemoteStatus.Failed.class, f -> assertThat(f.kind()).isEqualTo(FailureKind.PROVIDER_ERROR));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
