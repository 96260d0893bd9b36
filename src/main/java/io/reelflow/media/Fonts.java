package io.reelflow.media;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The typeface Reelflow draws text with (captions, labels, end cards): DejaVu Sans Bold, shipped with the service
 * ({@code /fonts}), so text looks the same on every machine, with or without fonts installed.
 */
final class Fonts {

    private static final Font BOLD = load("/fonts/DejaVuSans-Bold.ttf");

    private Fonts() {
    }

    /** The shipped typeface at {@code pixels} high. */
    static Font bold(float pixels) {
        return BOLD.deriveFont(pixels);
    }

    private static Font load(String resource) {
        try (InputStream in = Fonts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the font " + resource + " is not on the class path");
            }
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (IOException e) {
            throw new UncheckedIOException("the font " + resource + " cannot be read", e);
        } catch (FontFormatException e) {
            throw new IllegalStateException("the font " + resource + " is not a TrueType font", e);
        }
    }
}
