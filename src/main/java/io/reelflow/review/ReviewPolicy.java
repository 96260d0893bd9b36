package io.reelflow.review;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who reviews a shot's drafts: people ({@code manual}), the automatic quality check ({@code auto-qc}), or
 * nobody ({@code approve-all}). Automatic reviewers publish their decisions on {@code draft-reviews} like a
 * person, so there is one audit trail.
 */
public enum ReviewPolicy {
    MANUAL,
    AUTO_QC,
    APPROVE_ALL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<ReviewPolicy> parse(String value) {
        return Arrays.stream(values()).filter(p -> p.wireName().equals(value)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ReviewPolicy::wireName).toList();
    }
}
