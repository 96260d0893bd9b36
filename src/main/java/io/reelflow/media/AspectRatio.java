package io.reelflow.media;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Orientation of a clip, as senders write it in batches ({@code landscape} or {@code portrait}). */
public enum AspectRatio {
    LANDSCAPE,
    PORTRAIT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AspectRatio> parse(String value) {
        return Arrays.stream(values()).filter(a -> a.wireName().equals(value)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(AspectRatio::wireName).toList();
    }
}
