package io.reelflow.media;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a deliverable runs: its exact frame size, longest length, loudness target and true-peak ceiling, the
 * safe area (fractions of the frame kept clear of the platform's own buttons and captions) that captions and logos
 * stay inside, and whether the shot's captions are burned into its picture. The standard placements are named; a
 * campaign may define its own, or change a standard one.
 */
public record Placement(String name, FrameSize size, int maxSeconds, double targetLufs, double truePeakCeiling,
        SafeArea safeArea, boolean burnCaptions) {

    /** Social platforms play at about -14 LUFS with true peaks at or under -1 dBTP. */
    public static final double SOCIAL_LUFS = -14;
    public static final double SOCIAL_TRUE_PEAK = -1;
    /** EBU R128 broadcast loudness. */
    public static final double BROADCAST_LUFS = -23;

    /** Margins kept clear, as fractions of the frame's width (left, right) and height (top, bottom). */
    public record SafeArea(double top, double right, double bottom, double left) {
        public static final SafeArea NONE = new SafeArea(0, 0, 0, 0);

        public SafeArea {
            for (double m : new double[] {top, right, bottom, left}) {
                if (m < 0 || m >= 0.5) {
                    throw new IllegalArgumentException("a safe-area margin is a fraction from 0 to under 0.5: " + m);
                }
            }
        }

        /** The safe rectangle of a {@code size} frame: x, y, width, height in pixels. */
        public int[] rectangle(FrameSize size) {
            int x = (int) Math.round(left * size.width());
            int y = (int) Math.round(top * size.height());
            int right = size.width() - (int) Math.round(this.right * size.width());
            int bottom = size.height() - (int) Math.round(this.bottom * size.height());
            return new int[] {x, y, right - x, bottom - y};
        }
    }

    private static final Map<String, Placement> STANDARD = new LinkedHashMap<>();

    static {
        // Vertical feeds: the platform's caption, buttons and profile cover the bottom and the right edge.
        SafeArea vertical = new SafeArea(0.08, 0.12, 0.20, 0.06);
        SafeArea feed = new SafeArea(0.05, 0.05, 0.05, 0.05);
        standard(new Placement("tiktok", new FrameSize(1080, 1920), 60, SOCIAL_LUFS, SOCIAL_TRUE_PEAK, vertical));
        standard(new Placement("reels", new FrameSize(1080, 1920), 90, SOCIAL_LUFS, SOCIAL_TRUE_PEAK, vertical));
        standard(new Placement("shorts", new FrameSize(1080, 1920), 60, SOCIAL_LUFS, SOCIAL_TRUE_PEAK, vertical));
        standard(new Placement("feed-4x5", new FrameSize(1080, 1350), 60, SOCIAL_LUFS, SOCIAL_TRUE_PEAK, feed));
        standard(new Placement("square", new FrameSize(1080, 1080), 60, SOCIAL_LUFS, SOCIAL_TRUE_PEAK, feed));
        standard(new Placement("youtube", new FrameSize(1920, 1080), 60, SOCIAL_LUFS, SOCIAL_TRUE_PEAK, feed));
    }

    /** A placement whose captions stay in sidecar files. */
    public Placement(String name, FrameSize size, int maxSeconds, double targetLufs, double truePeakCeiling,
            SafeArea safeArea) {
        this(name, size, maxSeconds, targetLufs, truePeakCeiling, safeArea, false);
    }

    public Placement {
        if (size.width() % 2 != 0 || size.height() % 2 != 0) {
            throw new IllegalArgumentException("a placement's frame size is even in both directions: " + size);
        }
        if (maxSeconds < 1) {
            throw new IllegalArgumentException("a placement lasts at least 1 s: " + maxSeconds);
        }
        if (truePeakCeiling > 0) {
            throw new IllegalArgumentException("a true-peak ceiling is at or under 0 dBTP: " + truePeakCeiling);
        }
    }

    private static void standard(Placement p) {
        STANDARD.put(p.name(), p);
    }

    /** The standard placement named {@code name}. */
    public static Optional<Placement> standard(String name) {
        return Optional.ofNullable(STANDARD.get(name));
    }

    /** The standard placements, in the order they are listed above. */
    public static Map<String, Placement> standards() {
        return java.util.Collections.unmodifiableMap(STANDARD);
    }

    /** Portrait (taller than wide), landscape (wider), or square. */
    public boolean portrait() {
        return size.height() > size.width();
    }

    public boolean landscape() {
        return size.width() > size.height();
    }
}
