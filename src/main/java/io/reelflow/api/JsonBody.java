package io.reelflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.validation.JsonText;

/** Reads a request body that must be a JSON object, answering 422 with where it went wrong. */
final class JsonBody {

    private JsonBody() {
    }

    static ObjectNode object(ObjectMapper json, String body, String what) {
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
