package io.reelflow.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.core.type.TypeReference;

import io.reelflow.persistence.JsonColumn;

/**
 * A batch's brand kit as the batch gave it: the logo's address (fetched when the first file is made, then kept
 * beside the batch), its corner and width, the end card, and whether the "AI generated" label is shown.
 */
@JsonInclude(Include.NON_NULL)
public record Brand(String logoUrl, String corner, Double logoWidth, EndCard endCard, boolean aiLabel) {

    /** A closing card: {@code seconds} long, {@code text} in {@code textColor} on {@code background}. */
    public record EndCard(double seconds, String text, String background, String textColor) {
    }

    public String json() {
        return JsonColumn.write(this);
    }

    public static Brand read(String json) {
        return JsonColumn.read(json, new TypeReference<Brand>() { });
    }
}
