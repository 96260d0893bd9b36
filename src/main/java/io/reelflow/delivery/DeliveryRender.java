package io.reelflow.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.Captions;
import io.reelflow.media.Deliverables;
import io.reelflow.media.MediaProbe;
import io.reelflow.storage.Hashing;
import io.reelflow.storage.ObjectKeys;
import io.reelflow.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Makes one placement file: downloads its master, derives the file with FFmpeg ({@link Deliverables}), writes the
 * shot's captions (cut to the file's length) as WebVTT and SRT, and stores all three at their fixed keys, so an
 * attempt made again after a crash overwrites, never adds.
 */
@ApplicationScoped
public class DeliveryRender {

    private final ObjectStore store;
    private final Path workDir;

    public DeliveryRender(ObjectStore store, ReelflowConfig config) {
        this.store = store;
        this.workDir = config.storage().workDirectory();
    }

    public DeliveryTask.Made make(DeliveryTask task) throws IOException {
        Files.createDirectories(workDir);
        Path master = Files.createTempFile(workDir, "master-", ".mp4");
        Path out = Files.createTempFile(workDir, "deliverable-", ".mp4");
        try {
            store.download(task.masterKey(), master);
            Deliverables.Made made = Deliverables.make(master, task.placement(), task.focus(), out);
            MediaProbe.Probe probe = MediaProbe.probe(out);
            String vttKey = null;
            String srtKey = null;
            // The placement's length, not the file's last audio frame, ends the captions.
            List<Captions.Cue> cues = Captions.within(task.cues(),
                    Math.min(made.seconds(), task.placement().maxSeconds()));
            if (!cues.isEmpty()) {
                vttKey = ObjectKeys.beside(task.objectKey(), "vtt");
                srtKey = ObjectKeys.beside(task.objectKey(), "srt");
                store.put(vttKey, Captions.webVtt(cues).getBytes(StandardCharsets.UTF_8), "text/vtt; charset=utf-8");
                store.put(srtKey, Captions.srt(cues).getBytes(StandardCharsets.UTF_8),
                        "application/x-subrip; charset=utf-8");
            }
            String sha256 = Hashing.sha256Hex(out);
            long size = Files.size(out);
            store.put(task.objectKey(), out, "video/mp4");
            return new DeliveryTask.Made(vttKey, srtKey, sha256, size, made.seconds(), probe.width(), probe.height(),
                    made.loudness() == null ? null : made.loudness().integratedLufs(),
                    made.loudness() == null ? null : made.loudness().truePeakDbtp(), made.passes());
        } finally {
            Files.deleteIfExists(master);
            Files.deleteIfExists(out);
        }
    }
}
