package io.reelflow.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
}
