package io.reelflow.media;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * What a campaign adds to every placement file after generation, where it comes out exact: its logo in a corner
 * of the safe area, an end card (the logo, a call to action, a background colour) appended to the clip, and a
 * visible "AI generated" label.
 */
public record BrandKit(BufferedImage logo, Corner corner, double logoWidth, EndCard endCard, boolean aiLabel) {

    /** Nothing added. */
    public static final BrandKit NONE = new BrandKit(null, Corner.TOP_RIGHT, 0.16, null, false);

    /** The text of the visible label. */
    public static final String AI_LABEL = "AI generated";

    /** Where in the safe area the logo sits; written {@code top-left} and so on in batches. */
    public enum Corner {
        TOP_LEFT,
        TOP_RIGHT,
        BOTTOM_LEFT,
        BOTTOM_RIGHT;

        public static Corner parse(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        public boolean top() {
            return this == TOP_LEFT || this == TOP_RIGHT;
        }

        public boolean left() {
            return this == TOP_LEFT || this == BOTTOM_LEFT;
        }
    }

    /** A closing card of {@code seconds} (1 to 3): the logo above {@code text} on {@code background}. */
    public record EndCard(double seconds, String text, Color background, Color textColor) {
        public EndCard {
            if (seconds < 1 || seconds > 3) {
                throw new IllegalArgumentException("an end card lasts 1 to 3 s: " + seconds);
            }
        }
    }

    public BrandKit {
        if (logoWidth <= 0 || logoWidth > 0.5) {
            throw new IllegalArgumentException("a logo is wider than 0 and at most half the frame: " + logoWidth);
        }
    }

    public double endCardSeconds() {
        return endCard == null ? 0 : endCard.seconds();
    }

    /** A colour written {@code #rrggbb}. */
    public static Color colour(String hex) {
        return new Color(Integer.parseInt(hex.substring(1), 16));
    }
}
