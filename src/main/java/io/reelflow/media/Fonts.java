package io.reelflow.media;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The typeface Reelflow draws text with (captions, labels, end cards): DejaVu Sans Bold, shipped with the service
 * ({@code /fonts}), so text looks the same on every machine, with or without fonts installed.
 */
public final class Fonts {

    private static final Font BOLD = load("/fonts/DejaVuSans-Bold.ttf");

    private Fonts() {
    }

    /**
     * The characters of {@code text} the typeface has no glyph for, each once, as {@code 新 (U+65B0)}, at most
     * {@code limit} of them; empty when it draws them all. Line breaks and spaces are not drawn and not counted.
     */
    public static List<String> undrawable(String text, int limit) {
        return text.codePoints().filter(c -> !Character.isWhitespace(c) && !BOLD.canDisplay(c)).distinct()
                .limit(limit).mapToObj(c -> "%s (U+%04X)".formatted(Character.toString(c), c)).toList();
    }

    /** The shipped typeface and the scripts it has letters for ({@code FontsTest} checks a letter of each). */
    public static String reach() {
        return BOLD.getFontName(Locale.ROOT) + ": Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic";
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
