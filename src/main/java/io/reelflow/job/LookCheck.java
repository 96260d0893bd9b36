package io.reelflow.job;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.ContactSheet;
import io.reelflow.media.FrameSize;
import io.reelflow.media.Frames;
import io.reelflow.media.MediaProbe;
import io.reelflow.media.Similarity;
import io.reelflow.storage.ObjectKeys;
import io.reelflow.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Measures whether a landed final kept the look of its approved draft, with FFmpeg's SSIM: its first frame against
 * the approved frame, and its first seconds against the draft from that frame on (second by second, half a second
 * apart). Draws the contact sheet (the draft's frames above the final's, at the same seconds) beside the final.
 */
@ApplicationScoped
public class LookCheck {

    /** The scores of one final; {@code contactSheetKey} is where its contact sheet is stored. */
    public record Scores(double startFrameSsim, double draftSimilarity, String contactSheetKey) {
    }

    /** Seconds between compared pictures over the draft's length. */
    private static final double STEP = 0.5;
    private static final int MAX_PAIRS = 8;
    private static final int SHEET_COLUMNS = 4;

    private final ObjectStore store;
    private final Path workDir;

    public LookCheck(ObjectStore store, ReelflowConfig config) {
        this.store = store;
        this.workDir = config.storage().workDirectory();
    }

    /** The scores of a landed final that came from an approved draft; empty for anything else. */
    public Optional<Scores> score(JobView job) throws IOException {
        JobView.StartFrame start = job.startFrom();
        if (job.stage() != Stage.FINAL || start == null) {
            return Optional.empty();
        }
        Files.createDirectories(workDir);
        Path draft = Files.createTempFile(workDir, "look-draft-", ".mp4");
        Path finalCut = Files.createTempFile(workDir, "look-final-", ".mp4");
        Path sheet = Files.createTempFile(workDir, "look-sheet-", ".jpg");
        try {
            store.download(start.draftKey(), draft);
            store.download(job.objectKey(), finalCut);
            FrameSize frame = new FrameSize(job.width(), job.height());
            double draftSeconds = MediaProbe.probe(draft).seconds();
            List<Double> draftTimes = new ArrayList<>();
            List<Double> finalTimes = new ArrayList<>();
            for (double d = 0; start.second() + d < draftSeconds && draftTimes.size() < MAX_PAIRS; d += STEP) {
                draftTimes.add(start.second() + d);
                finalTimes.add(d);
            }
            List<Double> columns = new ArrayList<>();
            for (int k = 0; k < SHEET_COLUMNS; k++) {
                columns.add(k * draftSeconds / SHEET_COLUMNS);
            }
            // Each clip is decoded once, for every picture wanted of it.
            Map<Double, BufferedImage> ofDraft = pictures(draft, draftTimes, columns, List.of(start.second()));
            Map<Double, BufferedImage> ofFinal = pictures(finalCut, finalTimes, columns, List.of(0.0));

            BufferedImage approved = Frames.fit(ofDraft.get(start.second()), frame, start.focus());
            double startSsim = Similarity.ssim(approved, ofFinal.get(0.0));
            double similarity = Similarity.mean(draftTimes.stream().map(ofDraft::get).toList(),
                    finalTimes.stream().map(ofFinal::get).toList());
            ContactSheet.write(columns.stream().map(ofDraft::get).toList(), columns.stream().map(ofFinal::get).toList(),
                    sheet);
            String key = ObjectKeys.contactSheet(job.objectKey());
            store.put(key, sheet, "image/jpeg");
            return Optional.of(new Scores(startSsim, similarity, key));
        } finally {
            Files.deleteIfExists(draft);
            Files.deleteIfExists(finalCut);
            Files.deleteIfExists(sheet);
        }
    }

    /** The pictures of {@code clip} at every time in {@code times}, by time. */
    @SafeVarargs
    private static Map<Double, BufferedImage> pictures(Path clip, List<Double>... times) throws IOException {
        TreeSet<Double> wanted = new TreeSet<>();
        for (List<Double> t : times) {
            wanted.addAll(t);
        }
        List<Double> ordered = new ArrayList<>(wanted);
        List<BufferedImage> found = Frames.at(clip, ordered);
        Map<Double, BufferedImage> byTime = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            byTime.put(ordered.get(i), found.get(i));
        }
        return byTime;
    }
}
