package io.reelflow.validation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a schema cannot say about free text: lengths after trimming (a prompt's within limits this deployment
 * configures) and no control characters but newlines.
 */
public final class TextRules {

    private final int minPrompt;
    private final int maxPrompt;

    public TextRules(int minPrompt, int maxPrompt) {
        this.minPrompt = minPrompt;
        this.maxPrompt = maxPrompt;
    }

    /** A prompt, trimmed; null when it is not text. */
    public String prompt(JsonNode node, String path, Violations v) {
        if (!node.isTextual()) {
            return null;
        }
        String prompt = node.textValue().strip();
        // Characters as people and most languages count them (code points): an emoji is one, not two UTF-16 units.
        int length = prompt.codePointCount(0, prompt.length());
        if (prompt.isEmpty()) {
            v.add(path, "must not be empty");
        } else if (length < minPrompt) {
            v.add(path, "is " + length + " characters; at least " + minPrompt + " are required");
        } else if (length > maxPrompt) {
            v.add(path, "is " + length + " characters; at most " + maxPrompt + " are allowed");
        } else {
            noControlCharacters(prompt, path, v);
        }
        return prompt;
    }

    /** Other text (a reviewer's name, a note), trimmed; null when absent or empty. */
    public static String text(JsonNode node, String path, boolean required, Violations v) {
        if (!node.isTextual()) {
            return null;
        }
        String value = node.textValue().strip();
        if (required && value.isEmpty()) {
            v.add(path, "must not be empty");
        }
        noControlCharacters(value, path, v);
        return value.isEmpty() ? null : value;
    }

    private static void noControlCharacters(String value, String path, Violations v) {
        if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            v.add(path, "must not contain control characters");
        }
    }
}
