package io.reelflow.media;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Text and pictures drawn with Java2D for the overlay: boxed lines, wrapping, fitting type, scaled logos. */
final class Drawing {

    private static final Color BOX = new Color(0, 0, 0, 150);

    private Drawing() {
    }

    /** {@code lines} in white, centred on a dark rounded box no wider than {@code maxWidth}. */
    static BufferedImage box(List<String> lines, Font font, int maxWidth) {
        FontMetrics m = metrics(font);
        int pad = Math.max(2, m.getHeight() / 4);
        int width = 0;
        for (String line : lines) {
            width = Math.max(width, m.stringWidth(line));
        }
        width = Math.min(maxWidth, width + 2 * pad);
        int height = lines.size() * m.getHeight() + 2 * pad;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            smooth(g);
            g.setColor(BOX);
            g.fillRoundRect(0, 0, width, height, pad * 2, pad * 2);
            g.setFont(font);
            g.setColor(Color.WHITE);
            int y = pad + m.getAscent();
            for (String line : lines) {
                g.drawString(line, (width - m.stringWidth(line)) / 2, y);
                y += m.getHeight();
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The font, made smaller until every word of {@code text} fits {@code maxWidth}. */
    static Font fit(Font font, String text, int maxWidth) {
        Font f = font;
        for (int i = 0; i < 8; i++) {
            FontMetrics m = metrics(f);
            int widest = 0;
            for (String word : text.split("\\s+")) {
                widest = Math.max(widest, m.stringWidth(word));
            }
            if (widest <= maxWidth * 0.95) {
                break;
            }
            f = f.deriveFont(f.getSize2D() * 0.85f);
        }
        return f;
    }

    /** {@code text} broken into lines no wider than {@code maxWidth}, at its own line breaks and between words. */
    static List<String> wrap(String text, FontMetrics m, int maxWidth) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : text.split("\n")) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.strip().split("\\s+")) {
                String candidate = line.length() == 0 ? word : line + " " + word;
                if (line.length() > 0 && m.stringWidth(candidate) > maxWidth * 0.95) {
                    lines.add(line.toString());
                    line = new StringBuilder(word);
                } else {
                    line = new StringBuilder(candidate);
                }
            }
            if (line.length() > 0) {
                lines.add(line.toString());
            }
        }
        return lines;
    }

    /** {@code image} scaled to {@code width}, kept within {@code maxWidth} x {@code maxHeight}, with its alpha. */
    static BufferedImage scaled(BufferedImage image, int width, int maxWidth, int maxHeight) {
        double scale = Math.min((double) Math.min(width, maxWidth) / image.getWidth(),
                (double) maxHeight / image.getHeight());
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        try {
            smooth(g);
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    static FontMetrics metrics(Font font) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB).createGraphics();
        try {
            smooth(g);
            return g.getFontMetrics(font);
        } finally {
            g.dispose();
        }
    }

    static void smooth(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    }
}
