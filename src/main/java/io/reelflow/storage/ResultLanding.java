package io.reelflow.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.ClipInspector;
import io.reelflow.media.FrameSize;
import io.reelflow.media.MediaProbe;
import io.reelflow.media.PosterExtractor;
import io.reelflow.util.Hashing;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Lands a provider's result: streams it to a work file while hashing it, probes it, writes its poster, and
 * uploads both. Memory use does not grow with the size of the video.
 */
@ApplicationScoped
public class ResultLanding {

    /** What was stored; {@code qcFailures} is null when no quality check was asked for. */
    public record Landed(String sha256, long sizeBytes, MediaProbe.Probe probe, List<String> qcFailures) {
    }

    /** What the clip was asked to be, for the automatic quality check. */
    public record Expected(int seconds, FrameSize size) {
    }

    private final ObjectStore store;
    private final Path workDir;

    public ResultLanding(ObjectStore store, ReelflowConfig config) throws IOException {
        this.store = store;
        this.workDir = config.storage().workDir().orElse(Path.of(System.getProperty("java.io.tmpdir"), "reelflow"));
        Files.createDirectories(workDir);
    }

    /** Lands a result; when {@code qc} is given, the clip is also inspected against it before upload. */
    public Landed land(InputStream result, String videoKey, String posterKey, Expected qc) throws IOException {
        Path video = Files.createTempFile(workDir, "result-", ".mp4");
        Path poster = Files.createTempFile(workDir, "poster-", ".jpg");
        try {
            MessageDigest digest = Hashing.sha256();
            long size;
            try (InputStream in = result; OutputStream out = new DigestOutputStream(Files.newOutputStream(video), digest)) {
                size = in.transferTo(out);
            }
            if (size == 0) {
                throw new EmptyResultException("the provider's result is empty");
            }
            MediaProbe.Probe probe = MediaProbe.probe(video);
            List<String> qcFailures = qc == null ? null : ClipInspector.inspect(video, probe, qc.seconds(), qc.size());
            PosterExtractor.writePoster(video, poster);
            store.put(videoKey, video, "video/mp4");
            store.put(posterKey, poster, "image/jpeg");
            return new Landed(HexFormat.of().formatHex(digest.digest()), size, probe, qcFailures);
        } finally {
            Files.deleteIfExists(video);
            Files.deleteIfExists(poster);
        }
    }

    /** A result with no bytes: the provider reported success but served nothing. */
    public static class EmptyResultException extends IOException {
        public EmptyResultException(String message) {
            super(message);
        }
    }
}
