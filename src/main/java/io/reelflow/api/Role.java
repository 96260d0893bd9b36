package io.reelflow.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do for its team. Each role includes reading the team's batches, events, files, spend and prompt
 * library; {@code submitter} also submits batches, {@code reviewer} also decides on drafts and finals.
 */
public enum Role {
    SUBMITTER,
    REVIEWER,
    VIEWER;

    /** The name used in tokens and in {@code reelflow.api.keys}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> of(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
    }
}
