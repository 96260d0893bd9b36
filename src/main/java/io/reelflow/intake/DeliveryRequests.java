package io.reelflow.intake;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.reelflow.campaign.Brand;
import io.reelflow.media.Captions;
import io.reelflow.media.Deliverables;
import io.reelflow.media.Fonts;
import io.reelflow.media.FrameSize;
import io.reelflow.media.Placement;
import io.reelflow.reference.ReferenceImageException;
import io.reelflow.reference.ReferenceImages;
import io.reelflow.validation.TextRules;
import io.reelflow.validation.Violations;

/**
 * The delivery parts of a batch, read after its shape passed the schema: placements (standard by name, standard
 * with changes, or custom), a shot's focus point and its caption lines, and the brand kit, with the rules a schema
 * cannot say (unique names, a frame size for custom ones, captions in order and inside the final, an inline logo
 * that is a picture file).
 */
final class DeliveryRequests {

    private DeliveryRequests() {
    }

    /** The placements of a {@code deliverables} array at {@code path}; empty when absent. */
    static List<Placement> placements(JsonNode array, String path, Violations v) {
        List<Placement> placements = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (!array.isArray()) {
            return placements; // absent, or the schema has said why
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            String at = path + "[" + i + "]";
            Placement placement = item.isTextual() ? Placement.standard(item.textValue()).orElse(null)
                    : item.isObject() ? custom(item, at, v) : null;
            if (placement == null) {
                continue; // the schema has said why
            }
            if (!names.add(placement.name())) {
                v.add(at, "names placement '" + placement.name() + "' a second time; each placement is listed once");
                continue;
            }
            placements.add(placement);
        }
        return placements;
    }

    /**
     * A placement written as an object: a standard one (by its name) with what the object changes, or a custom one,
     * which needs its frame size.
     */
    private static Placement custom(JsonNode item, String at, Violations v) {
        String name = item.path("name").textValue();
        if (name == null) {
            return null; // the schema has said why
        }
        Placement base = Placement.standard(name).orElse(null);
        if (base == null) {
            for (String field : new String[] {"width", "height"}) {
                if (!item.has(field)) {
                    v.add(at + "." + field, "is required for the custom placement '" + name + "' (standard ones: "
                            + String.join(", ", Placement.standards().keySet()) + ")");
                }
            }
            if (!item.has("width") || !item.has("height")) {
                return null;
            }
            base = new Placement(name, new FrameSize(2, 2), 60, Placement.SOCIAL_LUFS, Placement.SOCIAL_TRUE_PEAK,
                    new Placement.SafeArea(0.05, 0.05, 0.05, 0.05));
        }
        JsonNode area = item.path("safeArea");
        Placement.SafeArea safe = base.safeArea();
        try {
            return new Placement(name, new FrameSize(item.path("width").asInt(base.size().width()),
                    item.path("height").asInt(base.size().height())),
                    item.path("maxSeconds").asInt(base.maxSeconds()),
                    item.path("targetLufs").asDouble(base.targetLufs()),
                    item.path("truePeakDbtp").asDouble(base.truePeakCeiling()),
                    new Placement.SafeArea(area.path("top").asDouble(safe.top()),
                            area.path("right").asDouble(safe.right()), area.path("bottom").asDouble(safe.bottom()),
                            area.path("left").asDouble(safe.left())),
                    item.path("burnCaptions").asBoolean(false));
        } catch (IllegalArgumentException e) {
            return null; // out of the schema's ranges, which it reports
        }
    }

    /** The brand kit of a batch; null when it has none. An inline logo must hold a picture file. */
    static Brand brand(JsonNode brand, Violations v) {
        if (!brand.isObject()) {
            return null;
        }
        JsonNode logo = brand.path("logo");
        String url = logo.path("url").textValue();
        if (url != null && url.startsWith("data:")) {
            try {
                ReferenceImages.checkInline(url);
            } catch (ReferenceImageException e) {
                v.add("brand.logo.url", e.getMessage());
            }
        }
        JsonNode card = brand.path("endCard");
        Brand.EndCard endCard = null;
        if (card.isObject()) {
            String text = TextRules.text(card.path("text"), "brand.endCard.text", true, v);
            drawable(text, "brand.endCard.text", "the end card is drawn", v);
            endCard = new Brand.EndCard(card.path("seconds").asDouble(2), text,
                    card.path("background").asText("#000000"), card.path("textColor").asText("#ffffff"));
        }
        return new Brand(url, logo.path("corner").asText("top-right"),
                logo.has("width") ? logo.path("width").asDouble() : null, endCard,
                brand.path("aiLabel").asBoolean(false));
    }

    /** The focus point of a shot; null (the centre) when absent. */
    static Deliverables.Focus focus(JsonNode focus) {
        if (!focus.path("x").isNumber() || !focus.path("y").isNumber()) {
            return null;
        }
        double x = focus.get("x").asDouble();
        double y = focus.get("y").asDouble();
        return x < 0 || x > 1 || y < 0 || y > 1 ? null : new Deliverables.Focus(x, y);
    }

    /**
     * The caption lines of a shot whose final lasts {@code seconds}: each starts before the final ends and after
     * the previous line ended; a line running past the end is cut there when delivered.
     */
    static List<Captions.Cue> captions(JsonNode array, String path, int seconds, boolean burnt, Violations v) {
        List<Captions.Cue> cues = new ArrayList<>();
        double previousEnd = 0;
        if (!array.isArray()) {
            return cues; // absent, or the schema has said why
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode cue = array.get(i);
            String at = path + "[" + i + "]";
            if (!cue.path("start").isNumber() || !cue.path("end").isNumber() || !cue.path("text").isTextual()) {
                continue; // the schema has said why
            }
            double start = cue.get("start").asDouble();
            double end = cue.get("end").asDouble();
            String text = TextRules.text(cue.get("text"), at + ".text", true, v);
            if (burnt) {
                drawable(text, at + ".text", "a placement of the shot burns its captions in", v);
            }
            if (end <= start) {
                v.add(at + ".end", String.format(Locale.ROOT, "is %s s, not after its start (%s s)", num(end),
                        num(start)));
            } else if (start >= seconds) {
                v.add(at + ".start", String.format(Locale.ROOT, "is %s s, but the final lasts %d s", num(start),
                        seconds));
            } else if (start < previousEnd) {
                v.add(at + ".start", String.format(Locale.ROOT, "is %s s, before the previous line ends (%s s);"
                        + " lines are in order and do not overlap", num(start), num(previousEnd)));
            } else if (text != null) {
                cues.add(new Captions.Cue(start, end, text));
            }
            previousEnd = Math.max(previousEnd, end);
        }
        return cues;
    }

    /**
     * Text drawn into the picture must be in the shipped typeface's reach: a character it has no glyph for would be
     * drawn as an empty box in every file.
     */
    private static void drawable(String text, String path, String why, Violations v) {
        if (text == null) {
            return;
        }
        List<String> missing = Fonts.undrawable(text, 5);
        if (!missing.isEmpty()) {
            v.add(path, "holds characters the typeface text is drawn in (" + Fonts.reach() + ") has no glyph for,"
                    + " and " + why + ": " + String.join(", ", missing) + "; they would show as empty boxes. Deliver"
                    + " such text as captions files only (burnCaptions false), or leave those characters out");
        }
    }

    private static String num(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
