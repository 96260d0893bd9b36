package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the shipped typeface can draw, as the README and the intake's refusals say. */
class FontsTest {

    @Test
    void drawsTheScriptsTheReadmeNamesAndNamesWhatItCannot() {
        // One letter of each: Latin with accents, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic.
        assertThat(Fonts.undrawable("é ñ ş ệ α ж ա ა א ب € ’", 10)).isEmpty();
        // Thai, Devanagari, Chinese, Japanese kana, Korean, an emoji; each named once, in order, up to the limit.
        assertThat(Fonts.undrawable("ก क 新 あ 한 🎬 新", 10)).containsExactly("ก (U+0E01)", "क (U+0915)", "新 (U+65B0)",
                "あ (U+3042)", "한 (U+D55C)", "🎬 (U+1F3AC)");
        assertThat(Fonts.undrawable("ก क 新 あ 한 🎬", 2)).hasSize(2);
        assertThat(Fonts.undrawable("two\nlines\tand spaces", 10)).as("white space is not drawn").isEmpty();
        assertThat(Fonts.reach()).isEqualTo("DejaVu Sans Bold: Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew,"
                + " Arabic");
    }
}
