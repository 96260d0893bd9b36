package io.reelflow.advice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Advice on a text-to-video prompt, from what works for short generated clips: a concrete scene, a camera
 * move or framing, the light; no on-screen text or logos (models garble them); one clear action per short
 * clip; no vague or very short prompts. Advice never rejects a prompt.
 */
public final class PromptAdvisor {

    /** One piece of advice: a stable code for tools, and a sentence for people. */
    public record Advice(String code, String message) {
    }

    private static final int MIN_WORDS = 8;
    private static final Pattern CAMERA = Pattern.compile("\\b(dolly|pan(s|ning)?|tilt(s|ing)?|orbit(s|ing)?|tracking"
            + "|track(s|ing)?|zoom(s|ing)?|crane|drone|handheld|hand-held|push(es)?[ -]in|pull(s)?[ -](back|out)"
            + "|static|locked[ -]off|close[ -]?up|wide shot|medium shot|aerial|steadicam|gimbal|pov|point of view"
            + "|low[ -]angle|high[ -]angle|overhead|top[ -]down|bird's[ -]eye|macro|shot|camera|framing|frame)\\b");
    private static final Pattern LIGHT = Pattern.compile("\\b(light(s|ing)?|lit|sun(light|lit|rise|set)?|golden hour"
            + "|blue hour|neon|lamps?|candle(light|s)?|shadows?|backlit|overcast|moon(light|lit)?|dusk|dawn|night"
            + "|daylight|glow(s|ing)?|haze|hazy|fog(gy)?|mist(y)?|bright|dim|dark|studio|softbox|rim light|noon"
            + "|twilight|fluorescent|firelight|lantern)\\b");
    private static final Pattern TEXT = Pattern.compile("\\b(text|caption(s)?|title(s)?|subtitle(s)?|logo(s)?"
            + "|lettering|typography|font|slogan|tagline|headline|writing|written|signs? (that )?(says|reads)"
            + "|spelled out|brand name|watermark)\\b");
    private static final Pattern SEQUENCE = Pattern.compile("\\b(then|after that|afterwards|finally|before"
            + " that|followed by|meanwhile)\\b");
    private static final Pattern VAGUE = Pattern.compile("\\b(beautiful|amazing|nice|cool|awesome|stunning|epic"
            + "|something|stuff|things|good|great|interesting|random|whatever|etc)\\b");

    private PromptAdvisor() {
    }

    /** The advice for {@code prompt} at a clip length of {@code seconds}; empty when there is none. */
    public static List<Advice> advise(String prompt, int seconds) {
        List<Advice> advice = new ArrayList<>();
        if (prompt == null || prompt.isBlank()) {
            return advice;
        }
        String text = prompt.toLowerCase(Locale.ROOT);
        int words = text.trim().split("\\s+").length;
        if (words < MIN_WORDS) {
            advice.add(new Advice("too-short", "Only " + words + " words: describe a concrete scene (who or what,"
                    + " where, what happens), the camera and the light."));
        }
        Matcher vague = VAGUE.matcher(text);
        if (vague.find()) {
            advice.add(new Advice("vague", "'" + vague.group(1) + "' says little a model can draw: name what the"
                    + " viewer sees instead (materials, colours, motion)."));
        }
        if (!CAMERA.matcher(text).find()) {
            advice.add(new Advice("no-camera", "Name the camera move or framing, such as a slow dolly in, an orbit"
                    + " or a static wide shot."));
        }
        if (!LIGHT.matcher(text).find()) {
            advice.add(new Advice("no-lighting", "Say what the light is, such as golden hour, soft overcast or neon"
                    + " at night."));
        }
        Matcher onScreen = TEXT.matcher(prompt.toLowerCase(Locale.ROOT));
        if (onScreen.find()) {
            advice.add(new Advice("on-screen-text", "Asks for on-screen text or a logo ('" + onScreen.group().trim()
                    + "'): models garble lettering; add text and logos in editing."));
        }
        // A 4-second clip has room for one action, an 8-second one for two, a 12-second one for three.
        int room = seconds <= 4 ? 0 : seconds <= 8 ? 1 : 2;
        if (count(SEQUENCE, text) > room) {
            advice.add(new Advice("many-actions", "Several actions in one " + seconds + "-second clip: keep one clear"
                    + " action per shot and split the sequence into shots."));
        }
        return advice;
    }

    private static int count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
