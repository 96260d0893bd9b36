package io.reelflow.validation;

/** One thing wrong with a submitted message: the field (as a JSON path like {@code shots[2].prompt}) and why. */
public record Violation(String field, String reason) {

    @Override
    public String toString() {
        return field + ": " + reason;
    }
}
