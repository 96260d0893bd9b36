package io.reelflow.validation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a message's JSON as Reelflow takes it from teams (a batch, a decision), on Kafka or over REST: a field named
 * twice in one object is refused, not read as its last value (a check that read the first would be fooled), and a
 * document nested beyond the parser's limit is refused like any other that is not valid JSON.
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
}
