package io.reelflow.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PromptLibraryTest {

    @Test
    void csvQuotesCommasQuotesAndNewlinesAndDefusesFormulas() {
        Map<String, Object> entry = new LinkedHashMap<>();
        for (String column : PromptLibrary.COLUMNS) {
            entry.put(column, "x");
        }
        entry.put("prompt", "Slow pan, \"golden\" light\nsecond line");
        entry.put("reviewer", "=HYPERLINK(\"http://evil\")");

        String csv = PromptLibrary.csv(List.of(entry));
        String[] lines = csv.split("\r\n");

        assertThat(lines[0]).isEqualTo(String.join(",", PromptLibrary.COLUMNS));
        assertThat(csv).contains("\"Slow pan, \"\"golden\"\" light\nsecond line\"");
        assertThat(csv).contains("\"'=HYPERLINK(\"\"http://evil\"\")\"");
    }
}
