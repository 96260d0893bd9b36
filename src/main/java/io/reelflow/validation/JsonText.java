package io.reelflow.validation;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a message's JSON as Reelflow takes it from teams (a batch, a decision), on Kafka or over REST: a field named
 * twice in one object is refused, not read as its last value (a check that read the first would be fooled), and a
 * document nested beyond the parser's limit is refused like any other that is not valid JSON. The bytes must be UTF-8
 * ({@link #decode}), and text must be whole characters ({@link #brokenCharacters}).
 */
public final class JsonText {

    private JsonText() {
    }

    public static JsonNode read(ObjectMapper json, String text) throws JsonProcessingException {
        return json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(text);
    }

    /** Why {@code text} is not valid JSON, and where, when the parser knows where. */
    public static String why(JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        return "not valid JSON: " + e.getOriginalMessage()
                + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr());
    }

    /**
     * The text of a message or request body. JSON travels as UTF-8 (RFC 8259, section 8.1): bytes that are not
     * UTF-8 are named with their offset instead of being replaced by U+FFFD, which would change a prompt (a Latin-1
     * {@code é}, say) that is then paid for without the sender knowing. A leading byte order mark, which some tools
     * write, is dropped (section 8.1 allows it).
     */
    public static Decoded decode(byte[] bytes) {
        return decode(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The text of a request body in the charset its {@code Content-Type} names (UTF-8 when it names none), read as
     * strictly as {@link #decode(byte[])}.
     */
    public static Decoded decode(byte[] bytes, Charset charset) {
        if (bytes == null) {
            return new Decoded(null, null);
        }
        boolean utf8 = charset.equals(StandardCharsets.UTF_8);
        int start = utf8 && bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(
                (int) Math.ceil((bytes.length - start) * (double) decoder.maxCharsPerByte()));
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            int lead = bytes[at] & 0xff;
            String name = utf8 ? "UTF-8" : charset.name();
            boolean cut = utf8 && at + result.length() == bytes.length && lead >= 0xc2 && lead <= 0xf4;
            String where = cut ? "ends inside a character begun by the byte 0x%02X at offset %d"
                    : "has the byte 0x%02X at offset %d, which is not " + name + " there";
            return new Decoded(new String(bytes, start, bytes.length - start, charset),
                    "not " + name + ": the text " + where.formatted(lead, at)
                            + (utf8 ? "; JSON is read as UTF-8" : " (the charset its Content-Type names)"));
        }
        return new Decoded(out.flip().toString(), null);
    }

    /**
     * A body or message read as text: {@code text} (null for none); when its bytes were not in the charset,
     * {@code error} says where, and {@code text} is what a lenient reading made of them (for echoing back only).
     */
    public record Decoded(String text, String error) {

        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Text values and field names holding half of a character: a UTF-16 surrogate without its other half
     * (<code>"&#92;ud83c"</code>), as text cut in the middle of an emoji leaves. JSON's grammar allows it, but it is
     * not text: stored or sent on it turns into {@code ?}, and a database's JSON refuses it. Each is named by its
     * path.
     */
    public static List<Violation> brokenCharacters(JsonNode root) {
        List<Violation> found = new ArrayList<>();
        brokenCharacters(root, "", found);
        return found;
    }

    private static void brokenCharacters(JsonNode node, String path, List<Violation> found) {
        if (node.isTextual()) {
            brokenCharacter(node.textValue()).ifPresent(half -> found.add(new Violation(name(path), "holds " + half)));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                brokenCharacters(node.get(i), path + "[" + i + "]", found);
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                brokenCharacter(field.getKey()).ifPresent(half -> found.add(new Violation(name(path),
                        "has a field whose name holds " + half)));
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                brokenCharacters(field.getValue(), at, found);
            }
        }
    }

    private static String name(String path) {
        return path.isEmpty() ? "$" : path;
    }

    /** Where {@code text} holds half of a character, counted in characters (code points), if it does. */
    private static Optional<String> brokenCharacter(String text) {
        int at = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i)), at++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c) && Character.charCount(text.codePointAt(i)) == 1) {
                return Optional.of("half of a character at character %d (the lone surrogate \\u%04x, as text cut"
                        .formatted(at, (int) c) + " inside an emoji leaves): text must be whole characters");
            }
        }
        return Optional.empty();
    }
}
