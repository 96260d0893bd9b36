package io.reelflow.media;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/** The prompt-derived look, sound and camera move of one preview clip. */
record PreviewLook(double red, double green, double blue, double gradient, int stripes, double[] orbs,
        double[] tones, double pan, CameraMove move, double[] grain) {

    /** How much of the picture is the seeded grain: enough that two rolls of one prompt share little structure. */
    static final double GRAIN = 0.6;

    private static final double[] PENTATONIC = {1.0, 9 / 8.0, 5 / 4.0, 3 / 2.0, 5 / 3.0, 2.0};

    static PreviewLook from(String prompt) {
        return from(prompt, null);
    }

    /** The look of {@code prompt} rolled with {@code seed}: another seed gives another picture of the same words. */
    static PreviewLook from(String prompt, Long seed) {
        byte[] h = sha256(seed == null ? prompt : prompt + "\u0000seed:" + seed);
        String p = prompt.toLowerCase(Locale.ROOT);
        double red = unit(h[0]);
        double green = unit(h[1]);
        double blue = unit(h[2]);
        if (p.contains("golden hour") || p.contains("sunset") || p.contains("warm") || p.contains("candle")) {
            red = 0.95;
            green = 0.55 + green * 0.2;
            blue = 0.2 * blue;
        } else if (p.contains("night") || p.contains("neon") || p.contains("moon")) {
            red = 0.25 + red * 0.4;
            green = 0.1 + green * 0.2;
            blue = 0.7;
        } else if (p.contains("overcast") || p.contains("fog") || p.contains("mist")) {
            double grey = 0.55 + red * 0.15;
            red = grey;
            green = grey;
            blue = grey + 0.05;
        }
        double[] orbs = new double[9];
        for (int i = 0; i < orbs.length; i += 3) {
            orbs[i] = 0.15 + unit(h[3 + i]) * 0.7;
            orbs[i + 1] = 0.15 + unit(h[4 + i]) * 0.7;
            orbs[i + 2] = 0.08 + unit(h[5 + i]) * 0.2;
        }
        double root = 110 + unit(h[12]) * 110;
        double[] tones = new double[3];
        for (int i = 0; i < tones.length; i++) {
            tones[i] = root * PENTATONIC[Byte.toUnsignedInt(h[13 + i]) % PENTATONIC.length] * (i + 1);
        }
        // A grain of crossed waves, 6 to 22 cycles across the frame, its frequencies and phases from the hash.
        double[] grain = {6 + unit(h[19]) * 16, 6 + unit(h[20]) * 16, unit(h[21]) * 2 * Math.PI,
            unit(h[22]) * 2 * Math.PI, unit(h[23]) * Math.PI};
        return new PreviewLook(red, green, blue, 0.3 + unit(h[16]) * 0.6, 1 + Byte.toUnsignedInt(h[17]) % 5, orbs,
                tones, 0.5 + unit(h[18]) * 2, CameraMove.from(prompt), grain);
    }

    private static double unit(byte b) {
        return Byte.toUnsignedInt(b) / 255.0;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present in the JDK", e);
        }
    }

    /** How the picture moves over time, chosen from the camera words in the prompt. */
    enum CameraMove {
        PAN, ZOOM, ORBIT, TILT, STATIC_DRIFT;

        static CameraMove from(String prompt) {
            String p = prompt.toLowerCase(Locale.ROOT);
            if (p.contains("pan") || p.contains("tracking") || p.contains("truck")) {
                return PAN;
            }
            if (p.contains("zoom") || p.contains("dolly") || p.contains("push in") || p.contains("pull back")) {
                return ZOOM;
            }
            if (p.contains("orbit") || p.contains("arc") || p.contains("circling")) {
                return ORBIT;
            }
            if (p.contains("tilt") || p.contains("crane") || p.contains("drone")) {
                return TILT;
            }
            return STATIC_DRIFT;
        }
    }
}
