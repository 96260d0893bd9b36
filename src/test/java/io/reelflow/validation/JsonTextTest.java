package io.reelflow.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFieldNamedTwiceIsRefusedWithItsNameAndPlace() {
        JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class,
                () -> JsonText.read(JSON, "{\"batchId\": \"a\",\n \"batchId\": \"b\"}"));
        assertThat(JsonText.why(e)).startsWith("not valid JSON: Duplicate field 'batchId'").endsWith("at line 2, column 11");
    }

    @Test
    void aDocumentNestedPastTheLimitIsRefusedLikeAnyInvalidOne() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class, () -> JsonText.read(JSON, deep));
        assertThat(JsonText.why(e)).startsWith("not valid JSON: ").contains("nesting depth");
    }

    @Test
    void validJsonIsReadAsIs() throws Exception {
        assertThat(JsonText.read(JSON, "{\"a\": [1, {\"b\": null}]}").at("/a/1").has("b")).isTrue();
    }

    @Test
    void utf8IsReadAsItIsAndALeadingByteOrderMarkIsDropped() {
        String text = "{\"prompt\": \"Café au lait, 東京 at night 🎬\"}";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] withMark = new byte[utf8.length + 3];
        withMark[0] = (byte) 0xef;
        withMark[1] = (byte) 0xbb;
        withMark[2] = (byte) 0xbf;
        System.arraycopy(utf8, 0, withMark, 3, utf8.length);

        assertThat(JsonText.decode(utf8)).isEqualTo(new JsonText.Decoded(text, null));
        assertThat(JsonText.decode(withMark)).isEqualTo(new JsonText.Decoded(text, null));
        assertThat(JsonText.decode(new byte[0])).isEqualTo(new JsonText.Decoded("", null));
        assertThat(JsonText.decode(null)).isEqualTo(new JsonText.Decoded(null, null));
    }

    @Test
    void bytesThatAreNotUtf8AreNamedWithTheirOffsetNotReplaced() {
        // Latin-1, as a client that encodes its text in the platform's charset sends it: é is the byte 0xE9.
        JsonText.Decoded latin1 = JsonText.decode("{\"prompt\": \"Café\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(latin1.ok()).isFalse();
        assertThat(latin1.error()).isEqualTo("not UTF-8: the text has the byte 0xE9 at offset 15, which is not UTF-8"
                + " there; JSON is read as UTF-8");
        assertThat(latin1.text()).as("kept only to be echoed back").isEqualTo("{\"prompt\": \"Caf\ufffd\"}");

        // Cut after the first byte of a three-byte character.
        byte[] cut = "ab東".getBytes(StandardCharsets.UTF_8);
        JsonText.Decoded stops = JsonText.decode(Arrays.copyOf(cut, 3));
        assertThat(stops.error()).startsWith("not UTF-8: the text ends inside a character begun by the byte 0xE6 at"
                + " offset 2");

        // A surrogate written as three bytes (CESU-8), an overlong slash, and a byte UTF-8 never uses.
        assertThat(JsonText.decode(bytes(0x22, 0xed, 0xa0, 0xbc, 0x22)).error()).contains("0xED at offset 1");
        assertThat(JsonText.decode(bytes(0x22, 0xc0, 0xaf, 0x22)).error()).contains("0xC0 at offset 1");
        assertThat(JsonText.decode(bytes(0x22, 0x41, 0xff)).error()).contains("0xFF at offset 2");
        // The offset counts the byte order mark, so it points into the bytes as sent.
        assertThat(JsonText.decode(bytes(0xef, 0xbb, 0xbf, 0x7b, 0xe9)).error()).contains("0xE9 at offset 4");
    }

    @Test
    void aBodyInTheCharsetItsContentTypeNamesIsReadInItAsStrictly() {
        byte[] latin1 = "{\"prompt\": \"Café\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(JsonText.decode(latin1, StandardCharsets.ISO_8859_1).text()).isEqualTo("{\"prompt\": \"Café\"}");
        // 0x81 is a byte windows-1252 leaves undefined; in UTF-16 an odd count of bytes ends inside a character.
        assertThat(JsonText.decode(bytes(0x22, 0x81, 0x22), java.nio.charset.Charset.forName("windows-1252")).error())
                .isEqualTo("not windows-1252: the text has the byte 0x81 at offset 1, which is not windows-1252 there"
                        + " (the charset its Content-Type names)");
        assertThat(JsonText.decode(bytes(0x00, 0x22, 0x00), StandardCharsets.UTF_16BE).ok()).isFalse();
        // A byte order mark is only UTF-8's to drop.
        assertThat(JsonText.decode(bytes(0xef, 0xbb, 0xbf, 0x7b), StandardCharsets.ISO_8859_1).text())
                .isEqualTo("\u00ef\u00bb\u00bf{");
    }

    @Test
    void textHoldingHalfOfACharacterIsNamedByItsPath() throws Exception {
        var root = JsonText.read(JSON, """
                {"shots": [{"prompt": "fine 🎬"}, {"prompt": "cut inside an emoji \\ud83c"}],
                 "note": "\\udc00 low half first", "\\ud800name": 1}""");

        assertThat(JsonText.brokenCharacters(root)).extracting(Violation::field, Violation::reason).containsExactly(
                tuple("shots[1].prompt", "holds half of a character at character 20 (the"
                        + " lone surrogate \\ud83c, as text cut inside an emoji leaves): text must be whole characters"),
                tuple("note", "holds half of a character at character 0 (the lone"
                        + " surrogate \\udc00, as text cut inside an emoji leaves): text must be whole characters"),
                tuple("$", "has a field whose name holds half of a character at"
                        + " character 0 (the lone surrogate \\ud800, as text cut inside an emoji leaves): text must be"
                        + " whole characters"));
        assertThat(JsonText.brokenCharacters(JsonText.read(JSON, "{\"a\": [\"🎬\", \"\\ud83c\\udfac\"]}")))
                .as("whole pairs, raw or escaped").isEmpty();
        assertThat(JsonText.brokenCharacters(JsonText.read(JSON, "{\"a\": \"🎬 x \\udfac\"}")))
                .as("the place counted in characters, an emoji one").singleElement()
                .satisfies(v -> assertThat(v.reason()).startsWith("holds half of a character at character 4 "));
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
