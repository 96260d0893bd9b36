package io.reelflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.validation.JsonText;

/**
 * Reads a request body that must be a JSON object in UTF-8, answering 422 with where it went wrong. The body is taken
 * as bytes: read as text by the REST layer, bytes that are not UTF-8 would be replaced without a word.
 */
final class JsonBody {

    private JsonBody() {
    }

    static ObjectNode object(ObjectMapper json, byte[] bytes, String what) {
        JsonText.Decoded decoded = JsonText.decode(bytes);
        if (!decoded.utf8()) {
            throw ApiException.invalid("(body)", decoded.notUtf8());
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
}
