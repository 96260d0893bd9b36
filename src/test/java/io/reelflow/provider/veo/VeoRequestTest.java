package io.reelflow.provider.veo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.provider.RenderRequest;
import io.reelflow.testkit.TestConfig;

class VeoRequestTest {

    private final VeoProvider veo = new VeoProvider(TestConfig.reelflow(Map.of()), new ObjectMapper());

    @Test
    void theResolutionIsNamedByTheFramesShortSide() throws Exception {
        assertThat(resolution(1280, 720)).isEqualTo("720p");
        assertThat(resolution(1080, 1920)).isEqualTo("1080p");
        assertThat(resolution(3840, 2160)).isEqualTo("4k");
        assertThat(resolution(2160, 3840)).isEqualTo("4k");
    }

    private String resolution(int width, int height) throws Exception {
        RenderRequest request = new RenderRequest(UUID.randomUUID(), "veo-3.1", "veo-3.1-generate-preview",
                "A slow pan.", 8, width, height, null, null, null, null, null);
        return veo.requestBody(request).path("parameters").path("resolution").asText();
    }
}
