package io.reelflow.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small SVG charts for the benchmark report. */
final class Svg {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 260;
    private static final int LEFT = 50;
    private static final int BOTTOM = 30;
    private static final int TOP = 20;

    private Svg() {
    }

    /** Videos generating at the provider over time (a step line), with the cap as a dashed line. */
    static String inFlight(List<Instant[]> generations, Instant start, int cap) {
        List<long[]> events = new ArrayList<>();
        long end = 0;
        for (Instant[] g : generations) {
            long from = g[0].toEpochMilli() - start.toEpochMilli();
            long to = g[1].toEpochMilli() - start.toEpochMilli();
            events.add(new long[] {from, 1});
            events.add(new long[] {to, -1});
            end = Math.max(end, to);
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        double seconds = Math.max(1, end / 1000.0);
        double top = cap * 1.25;
        StringBuilder path = new StringBuilder();
        int open = 0;
        path.append(String.format(Locale.ROOT, "M%.1f,%.1f", x(0, seconds), y(0, top)));
        for (long[] e : events) {
            double px = x(e[0] / 1000.0, seconds);
            path.append(String.format(Locale.ROOT, " L%.1f,%.1f", px, y(open, top)));
            open += (int) e[1];
            path.append(String.format(Locale.ROOT, " L%.1f,%.1f", px, y(open, top)));
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#b3261e\" "
                + "stroke-dasharray=\"6 4\"/>%n", LEFT, y(cap, top), WIDTH - 10, y(cap, top)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"#b3261e\">cap %d</text>%n", WIDTH - 60,
                y(cap, top) - 4, cap));
        svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#2557d6\" stroke-width=\"1\"/>\n");
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n", LEFT,
                HEIGHT - BOTTOM, WIDTH - 10, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n", LEFT, TOP,
                LEFT, HEIGHT - BOTTOM));
        for (int i = 0; i <= 4; i++) {
            double t = seconds * i / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f s</text>%n",
                    x(t, seconds), HEIGHT - 12, t));
        }
        for (int v = 0; v <= cap; v += Math.max(1, cap / 4)) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n", LEFT - 6,
                    y(v, top) + 4, v));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">videos generating at the provider</text>%n",
                LEFT + 6, TOP - 6));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /**
     * A horizontal bar per row, labelled with its value in {@code unit}; a dashed line at {@code mark} (a goal or
     * limit) when it is positive.
     */
    static String bars(String title, List<String> labels, List<Double> values, String unit, double mark,
            String markLabel) {
        int rowHeight = 26;
        int labelWidth = 300;
        int height = TOP + 10 + rowHeight * labels.size() + BOTTOM;
        double top = Math.max(mark, values.stream().mapToDouble(Double::doubleValue).max().orElse(1)) * 1.15;
        double span = WIDTH - 10 - labelWidth - 70;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", 10, TOP - 4, escape(title)));
        for (int i = 0; i < labels.size(); i++) {
            double y = TOP + 10 + i * rowHeight;
            double w = span * values.get(i) / top;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    labelWidth - 6, y + 15, escape(labels.get(i))));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"18\" "
                    + "fill=\"#2557d6\"/>%n", labelWidth, y + 2, Math.max(1, w)));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s %s</text>%n", labelWidth + w + 4,
                    y + 15, format(values.get(i)), escape(unit)));
        }
        if (mark > 0) {
            double x = labelWidth + span * mark / top;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#b3261e\" stroke-dasharray=\"6 4\"/>%n", x, TOP + 6, x, height - BOTTOM + 6));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#b3261e\" text-anchor=\"middle\">"
                    + "%s</text>%n", x, height - BOTTOM + 20, escape(markLabel)));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String format(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static double x(double seconds, double total) {
        return LEFT + (WIDTH - 10 - LEFT) * seconds / total;
    }

    private static double y(double value, double top) {
        return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * value / top;
    }
}
