package io.reelflow.media;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Derives one placement's file from a master with FFmpeg: reframed to the placement's aspect ratio around a focus
 * point, scaled to its exact size with Lanczos, cut to its longest length, and its sound brought to the
 * placement's loudness in measured passes: the master is measured, a gain and a true-peak limiter (4x oversampled)
 * are settled on the sound alone until it measures at the target, the file is made, and the delivered file is
 * measured again and made once more with the error corrected when it missed the target by more than half a LU or
 * went over the peak ceiling. H.264 and AAC in MP4.
 */
public final class Deliverables {

    /** Where in the master the picture is kept when reframing: fractions of its width and height (0.5 is centre). */
    public record Focus(double x, double y) {
        public static final Focus CENTRE = new Focus(0.5, 0.5);

        public Focus {
            if (x < 0 || x > 1 || y < 0 || y > 1) {
                throw new IllegalArgumentException("a focus point is a fraction from 0 to 1: " + x + ", " + y);
            }
        }
    }

    /** What was delivered: its measured length and loudness, and how many passes it took. */
    public record Made(double seconds, Loudness.Measure loudness, int passes) {
    }

    /**
     * What is added to the picture: the campaign's brand kit, and the caption lines burned in (empty when the
     * placement keeps captions in sidecar files).
     */
    public record Dressing(BrandKit brand, List<Captions.Cue> burned) {
        public static final Dressing NONE = new Dressing(BrandKit.NONE, List.of());
    }

    static final int SAMPLE_RATE = 48_000;
    private static final int MAX_PASSES = 3;
    private static final int SETTLE_STEPS = 8;
    /** Integrated loudness at or under this is silence (the gate of BS.1770). */
    private static final double SILENCE = -70;
    private static final double SETTLE_TOLERANCE = 0.2;
    /** Loudness within this of the target is accepted without another pass. */
    private static final double LUFS_TOLERANCE = 0.5;
    /** The limiter aims this far under the ceiling: AAC encoding moves peaks a little. */
    private static final double PEAK_MARGIN = 0.5;

    private Deliverables() {
    }

    /** Makes {@code out} for {@code placement} from {@code master}, with nothing added. */
    public static Made make(Path master, Placement placement, Focus focus, Path out) throws IOException {
        return make(master, placement, focus, Dressing.NONE, out);
    }

    /**
     * Makes {@code out} for {@code placement} from {@code master}, dressed with {@code dressing}: the picture cut to
     * the placement's length less the end card's, the overlay drawn on it, the end card (with silence) after it.
     */
    public static Made make(Path master, Placement placement, Focus focus, Dressing dressing, Path out)
            throws IOException {
        MediaProbe.Probe probe = MediaProbe.probe(master);
        Loudness.Measure source = probe.hasAudio() ? Loudness.measure(master) : null;
        if (source == null || !(source.integratedLufs() > SILENCE)) {
            // No sound, or silence: there is nothing to bring up; the sound is passed through as it is.
            PlacementRender.render(master, probe, placement, focus, dressing, null, out);
            return new Made(MediaProbe.probe(out).seconds(), source == null ? null : Loudness.measure(out), 1);
        }
        // Only the part of the master that is delivered is measured: a short placement's first seconds can be
        // louder or quieter than the whole clip.
        double picture = pictureSeconds(placement, dressing.brand(), probe.seconds());
        double aim = placement.targetLufs();
        Level level = settle(master, picture, aim, placement, new Level(placement.targetLufs()
                - source.integratedLufs(), placement.truePeakCeiling() - PEAK_MARGIN));
        for (int pass = 1; ; pass++) {
            PlacementRender.render(master, probe, placement, focus, dressing, level.chain(), out);
            Loudness.Measure made = Loudness.measure(out);
            double miss = placement.targetLufs() - made.integratedLufs();
            double over = made.truePeakDbtp() - placement.truePeakCeiling();
            if (Math.abs(miss) <= LUFS_TOLERANCE && over <= 0) {
                return new Made(MediaProbe.probe(out).seconds(), made, pass);
            }
            if (pass == MAX_PASSES) {
                throw new IOException(String.format(Locale.ROOT, "the delivered sound measures %.2f LUFS and %.2f dBTP"
                        + " after %d passes, against %.1f LUFS and at most %.1f dBTP", made.integratedLufs(),
                        made.truePeakDbtp(), pass, placement.targetLufs(), placement.truePeakCeiling()));
            }
            // Encoding moved the sound a little: aim the sound alone off the target by what was measured, and make
            // the file again.
            aim += miss;
            level = settle(master, picture, aim, placement, new Level(level.gainDb() + miss,
                    level.limitDbtp() - Math.max(0, over + 0.2)));
        }
    }

    /** A gain and the limiter's ceiling, in dB. */
    private record Level(double gainDb, double limitDbtp) {
        String chain() {
            // The limiter runs at four times the sample rate, so it holds true peaks, not only sample peaks.
            return String.format(Locale.ROOT,
                    "volume=%.3fdB,aresample=%d,alimiter=limit=%.5f:level=0:attack=1:release=50,aresample=%d",
                    gainDb, 4 * SAMPLE_RATE, Math.pow(10, limitDbtp / 20), SAMPLE_RATE);
        }
    }

    /**
     * Adjusts {@code level} on the sound alone (the first {@code seconds} of it, those delivered, measured through
     * the same filters, nothing encoded) until it measures at {@code aim}: the target, corrected by what encoding
     * was measured to move it. The limiter takes some loudness off peaky sound, so the gain is raised by what it
     * took.
     */
    private static Level settle(Path master, double seconds, double aim, Placement placement, Level level)
            throws IOException {
        for (int i = 0; i < SETTLE_STEPS; i++) {
            Loudness.Measure m = Loudness.measure(master, level.chain(), seconds);
            double miss = aim - m.integratedLufs();
            double over = m.truePeakDbtp() - (placement.truePeakCeiling() - PEAK_MARGIN / 2);
            if (Math.abs(miss) <= SETTLE_TOLERANCE && over <= 0) {
                break;
            }
            level = new Level(level.gainDb() + miss, level.limitDbtp() - Math.max(0, over));
        }
        return level;
    }

    /** How long the picture of {@code placement} runs before the end card, for a master of {@code seconds}. */
    public static double pictureSeconds(Placement placement, BrandKit brand, double seconds) {
        return Math.min(seconds, placement.maxSeconds() - brand.endCardSeconds());
    }
}
