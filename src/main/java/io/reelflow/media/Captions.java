package io.reelflow.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Timed caption lines of a shot and their sidecar files: WebVTT (the web's format) and SubRip (SRT, what ad
 * managers and editors take). Cue text is plain: no markup is interpreted, and the characters WebVTT reserves are
 * escaped.
 */
public final class Captions {

    /** One caption line shown from {@code start} to {@code end} seconds. */
    public record Cue(double start, double end, String text) {
        public Cue {
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("a cue ends after it starts, from 0 s on: " + start + " to " + end);
            }
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("a cue has text");
            }
        }
    }

    private Captions() {
    }

    /** The cues cut to a clip of {@code seconds}: cues starting after it are dropped, one running past it ends there. */
    public static List<Cue> within(List<Cue> cues, double seconds) {
        List<Cue> kept = new ArrayList<>();
        for (Cue c : cues) {
            if (c.start() < seconds) {
                kept.add(new Cue(c.start(), Math.min(c.end(), seconds), c.text()));
            }
        }
        return kept;
    }

    /** A WebVTT file of {@code cues}. */
    public static String webVtt(List<Cue> cues) {
        StringBuilder out = new StringBuilder("WEBVTT\n");
        for (Cue c : cues) {
            out.append('\n').append(time(c.start(), '.')).append(" --> ").append(time(c.end(), '.')).append('\n');
            for (String line : lines(c.text())) {
                out.append(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).append('\n');
            }
        }
        return out.toString();
    }

    /** A SubRip (SRT) file of {@code cues}, numbered from 1, lines ending in CRLF as most players expect. */
    public static String srt(List<Cue> cues) {
        StringBuilder out = new StringBuilder();
        int n = 1;
        for (Cue c : cues) {
            if (n > 1) {
                out.append("\r\n");
            }
            out.append(n++).append("\r\n").append(time(c.start(), ',')).append(" --> ").append(time(c.end(), ','))
                    .append("\r\n");
            for (String line : lines(c.text())) {
                out.append(line).append("\r\n");
            }
        }
        return out.toString();
    }

    /** The cue's text as lines: no empty line (which would end the cue early) and no arrow (which starts one). */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.strip().split("\\R")) {
            String clean = line.strip().replace("-->", "->");
            if (!clean.isEmpty()) {
                lines.add(clean);
            }
        }
        return lines;
    }

    private static String time(double seconds, char decimal) {
        long millis = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", millis / 3_600_000, millis / 60_000 % 60,
                millis / 1000 % 60, decimal, millis % 1000);
    }
}
