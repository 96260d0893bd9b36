package io.reelflow.job;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;

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
    /**
     * Look checks under way at once in this process: one per core. The work is all computation, so more at once
     * would not finish sooner, and each holds some full-size pictures and its decoders' buffers (tens of MB).
     */
    private static final Semaphore OPEN = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

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
            if (draftTimes.isEmpty()) {
                throw new IOException("the approved second " + start.second() + " is past the draft's end ("
                        + draftSeconds + " s)");
            }
            List<Double> columns = new ArrayList<>();
            for (int k = 0; k < SHEET_COLUMNS; k++) {
                columns.add(k * draftSeconds / SHEET_COLUMNS);
            }
            // Each clip is decoded once, the pictures taken in time order and let go as soon as they are scored
            // (only the contact sheet's small copies are kept), so several finals can land side by side.
            FrameSize cell = ContactSheet.cell(frame);
            List<BufferedImage> draftCells = new ArrayList<>();
            List<BufferedImage> finalCells = new ArrayList<>();
            Deque<Double> draftColumns = new ArrayDeque<>(columns);
            Deque<Double> finalColumns = new ArrayDeque<>(columns);
            double startSsim = 0;
            double similarity;
            OPEN.acquireUninterruptibly();
            try (Frames.Walk ofDraft = Frames.walk(draft); Frames.Walk ofFinal = Frames.walk(finalCut);
                    Similarity.Pairs pairs = new Similarity.Pairs(frame)) {
                for (int i = 0; i < draftTimes.size(); i++) {
                    BufferedImage d = picture(ofDraft, draftTimes.get(i), draftColumns, draftCells, cell);
                    BufferedImage f = picture(ofFinal, finalTimes.get(i), finalColumns, finalCells, cell);
                    if (i == 0) {
                        startSsim = Similarity.ssim(Frames.fit(d, frame, start.focus()), f);
                    }
                    pairs.add(d, f);
                }
                columnsBefore(ofDraft, Double.POSITIVE_INFINITY, draftColumns, draftCells, cell);
                columnsBefore(ofFinal, Double.POSITIVE_INFINITY, finalColumns, finalCells, cell);
                similarity = pairs.mean();
            } finally {
                OPEN.release();
            }
            ContactSheet.write(draftCells, finalCells, sheet);
            String key = ObjectKeys.contactSheet(job.objectKey());
            store.put(key, sheet, "image/jpeg");
            return Optional.of(new Scores(startSsim, similarity, key));
        } finally {
            Files.deleteIfExists(draft);
            Files.deleteIfExists(finalCut);
            Files.deleteIfExists(sheet);
        }
    }

    /**
     * The picture of {@code clip} at {@code seconds}, after adding to {@code cells} the sheet's pictures of every
     * column up to it.
     */
    private static BufferedImage picture(Frames.Walk clip, double seconds, Deque<Double> columns,
            List<BufferedImage> cells, FrameSize cell) throws IOException {
        columnsBefore(clip, seconds, columns, cells, cell);
        BufferedImage picture = clip.at(seconds);
        if (!columns.isEmpty() && columns.peek() == seconds) {
            columns.poll();
            cells.add(Frames.fit(picture, cell));
        }
        return picture;
    }

    /** Adds to {@code cells} the sheet's pictures of every column of {@code clip} before {@code seconds}. */
    private static void columnsBefore(Frames.Walk clip, double seconds, Deque<Double> columns,
            List<BufferedImage> cells, FrameSize cell) throws IOException {
        while (!columns.isEmpty() && columns.peek() < seconds) {
            cells.add(Frames.fit(clip.at(columns.poll()), cell));
        }
    }
}
