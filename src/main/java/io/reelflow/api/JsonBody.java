package io.reelflow.api;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.validation.JsonText;
import io.reelflow.validation.Violation;
import jakarta.ws.rs.core.MediaType;

/**
 * Reads a request body that must be a JSON object, in UTF-8 or the charset its {@code Content-Type} names, answering
 * 422 with where it went wrong. The body is taken as bytes: read as text by the REST layer, bytes that are not in the
 * charset would be replaced without a word.
 */
final class JsonBody {

    private JsonBody() {
    }

    static ObjectNode object(ObjectMapper json, byte[] bytes, MediaType type, String what) {
        JsonText.Decoded decoded = JsonText.decode(bytes, charset(type));
        if (!decoded.ok()) {
            throw ApiException.invalid("(body)", decoded.error());
        }
        String body = decoded.text();
        if (body == null || body.isBlank()) {
            throw ApiException.invalid("(body)", "the request body must be a JSON object: the " + what);
        }
        try {
            JsonNode node = JsonText.read(json, body);
            if (!(node instanceof ObjectNode object)) {
                throw ApiException.invalid("(body)", "must be a JSON object: the " + what);
            }
            return object;
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("(body)", JsonText.why(e));
        }
    }

    private static Charset charset(MediaType type) {
        String name = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name.strip());
        } catch (IllegalArgumentException e) {
            throw new ApiException(415, "Unsupported Media Type", "the body's charset is not known",
                    List.of(new Violation("(Content-Type)", "names the charset '" + name + "', which is not known"
                            + " here; send UTF-8")));
        }
    }
}
