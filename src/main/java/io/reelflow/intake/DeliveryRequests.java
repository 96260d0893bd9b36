package io.reelflow.intake;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.reelflow.media.Captions;
import io.reelflow.media.Deliverables;
import io.reelflow.media.FrameSize;
import io.reelflow.media.Placement;
import io.reelflow.validation.TextRules;
import io.reelflow.validation.Violations;

/**
 * The delivery parts of a batch, read after its shape passed the schema: placements (standard by name or custom),
 * a shot's focus point and its caption lines, with the rules a schema cannot say (unique names, custom names apart
 * from the standard ones, captions in order, inside the final).
 */
final class DeliveryRequests {

    private DeliveryRequests() {
    }

    /** The placements of a {@code deliverables} array at {@code path}; empty when absent. */
    static List<Placement> placements(JsonNode array, String path, Violations v) {
        List<Placement> placements = new ArrayList<>();
        Set<String> names = new HashSet<>();
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

    private static Placement custom(JsonNode item, String at, Violations v) {
        String name = item.path("name").textValue();
        if (name != null && Placement.standard(name).isPresent()) {
            v.add(at + ".name", "'" + name + "' is a standard placement; give a custom placement another name, or"
                    + " name the standard one as a string");
            return null;
        }
        JsonNode area = item.path("safeArea");
        try {
            return new Placement(name, new FrameSize(item.path("width").asInt(), item.path("height").asInt()),
                    item.path("maxSeconds").asInt(60), item.path("targetLufs").asDouble(Placement.SOCIAL_LUFS),
                    item.path("truePeakDbtp").asDouble(Placement.SOCIAL_TRUE_PEAK),
                    new Placement.SafeArea(area.path("top").asDouble(0.05), area.path("right").asDouble(0.05),
                            area.path("bottom").asDouble(0.05), area.path("left").asDouble(0.05)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return null; // out of the schema's ranges, which it reports
        }
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
    static List<Captions.Cue> captions(JsonNode array, String path, int seconds, Violations v) {
        List<Captions.Cue> cues = new ArrayList<>();
        double previousEnd = 0;
        for (int i = 0; i < array.size(); i++) {
            JsonNode cue = array.get(i);
            String at = path + "[" + i + "]";
            if (!cue.path("start").isNumber() || !cue.path("end").isNumber() || !cue.path("text").isTextual()) {
                continue; // the schema has said why
            }
            double start = cue.get("start").asDouble();
            double end = cue.get("end").asDouble();
            String text = TextRules.text(cue.get("text"), at + ".text", true, v);
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

    private static String num(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
