package io.reelflow.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.reelflow.media.MediaProbe;
import io.reelflow.provider.RemoteStatus;
import io.reelflow.provider.RenderRequest;
import io.reelflow.testkit.TestConfig;

/** The local provider's two ways of making results: a render per prompt, or one shared small render. */
class LocalPreviewProviderTest {

    @TempDir
    Path dir;

    @Test
    void sharedRendersServeOneSmallClipOfTheRightSizeToEveryJobAndKeepIt() throws Exception {
        LocalPreviewProvider shared = provider(true);
        Path first = land(shared, "Slow dolly in on a ceramic cup at golden hour, steam rising.", "a.mp4");
        Path second = land(shared, "Aerial drone shot over a foggy pine forest at dawn.", "b.mp4");
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
        MediaProbe.Probe probe = MediaProbe.probe(first);
        assertThat(probe.width()).isEqualTo(1280);
        assertThat(probe.height()).isEqualTo(720);
        assertThat(probe.seconds()).isBetween(3.95, 4.1);

        LocalPreviewProvider own = provider(false);
        Path rendered = land(own, "Slow dolly in on a ceramic cup at golden hour, steam rising.", "c.mp4");
        Path other = land(own, "Aerial drone shot over a foggy pine forest at dawn.", "d.mp4");
        assertThat(Files.readAllBytes(other)).isNotEqualTo(Files.readAllBytes(rendered));
        // A shared render is a fraction of a prompt's own render: the benchmarks measure the pipeline with it.
        assertThat(Files.size(first)).isLessThan(Files.size(rendered) / 2);
    }

    private LocalPreviewProvider provider(boolean shared) {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        return new LocalPreviewProvider(TestConfig.reelflow(Map.of(
                "reelflow.local.shared-renders", Boolean.toString(shared),
                "reelflow.local.spool-dir", dir.resolve(shared ? "shared" : "own").toString())), json);
    }

    /** Creates a job, sees it finished, downloads it to {@code name} and tells the provider it landed. */
    private Path land(LocalPreviewProvider provider, String prompt, String name) throws Exception {
        RenderRequest request = new RenderRequest(UUID.randomUUID(), "local-preview", "local-preview", prompt, 4, 1280,
                720, null, null, null, null, null);
        String id = provider.create(request).providerJobId();
        assertThat(provider.status(id)).isInstanceOf(RemoteStatus.Succeeded.class);
        Path out = dir.resolve(name);
        try (InputStream in = provider.download(id)) {
            Files.copy(in, out);
        }
        provider.afterLanding(id);
        return out;
    }
}
