package io.reelflow.media;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * What is drawn on a placement's picture, all inside its safe area: the campaign's logo in its corner, the "AI
 * generated" label in a top corner the logo leaves free, and burned-in caption lines centred at the bottom (above
 * a logo placed there); and the end card. Every piece is drawn once, in Java with the shipped typeface (the bundled
 * FFmpeg has no text filter), and laid over the frames it belongs to.
 */
public final class Overlay {

    /** A picture to lay over the frame with its top left corner at {@code x}, {@code y}. */
    public record Sprite(BufferedImage image, int x, int y) {
    }

    private static final double CAPTION_TEXT = 0.045;
    private static final double LABEL_TEXT = 0.022;
    private static final double CARD_TEXT = 0.05;
    private static final double CARD_LOGO = 0.3;

    private final List<Sprite> always;
    private final List<Captions.Cue> cues;
    private final List<Sprite> captions;

    private Overlay(List<Sprite> always, List<Captions.Cue> cues, List<Sprite> captions) {
        this.always = always;
        this.cues = cues;
        this.captions = captions;
    }

    /** The overlay of {@code placement} with {@code brand} and the caption lines {@code burned} into it. */
    public static Overlay of(Placement placement, BrandKit brand, List<Captions.Cue> burned) {
        FrameSize size = placement.size();
        int[] safe = placement.safeArea().rectangle(size);
        int unit = Math.min(size.width(), size.height());
        List<Sprite> always = new ArrayList<>();
        int captionFloor = safe[1] + safe[3];
        if (brand.logo() != null) {
            BufferedImage logo = Drawing.scaled(brand.logo(), (int) Math.round(brand.logoWidth() * unit), safe[2],
                    safe[3] / 4);
            int x = brand.corner().left() ? safe[0] : safe[0] + safe[2] - logo.getWidth();
            int y = brand.corner().top() ? safe[1] : safe[1] + safe[3] - logo.getHeight();
            always.add(new Sprite(logo, x, y));
            if (!brand.corner().top()) {
                captionFloor = y - unit / 60;
            }
        }
        if (brand.aiLabel()) {
            BufferedImage label = label(unit, safe[2]);
            boolean left = !(brand.logo() != null && brand.corner() == BrandKit.Corner.TOP_LEFT);
            always.add(new Sprite(label, left ? safe[0] : safe[0] + safe[2] - label.getWidth(), safe[1]));
        }
        List<Sprite> captions = new ArrayList<>();
        int maxWidth = (int) (safe[2] * 0.9);
        for (Captions.Cue cue : burned) {
            BufferedImage text = caption(cue.text(), (float) (CAPTION_TEXT * unit), maxWidth);
            captions.add(new Sprite(text, safe[0] + (safe[2] - text.getWidth()) / 2,
                    Math.max(safe[1], captionFloor - text.getHeight())));
        }
        return new Overlay(always, List.copyOf(burned), captions);
    }

    /** Whether nothing is drawn on the picture. */
    public boolean empty() {
        return always.isEmpty() && captions.isEmpty();
    }

    /** The sprites shown at {@code seconds}. */
    public List<Sprite> at(double seconds) {
        List<Sprite> shown = new ArrayList<>(always);
        for (int i = 0; i < cues.size(); i++) {
            if (cues.get(i).start() <= seconds && seconds < cues.get(i).end()) {
                shown.add(captions.get(i));
            }
        }
        return shown;
    }

    /** Draws what is shown at {@code seconds} on {@code frame}. */
    public void drawOn(BufferedImage frame, double seconds) {
        Graphics2D g = frame.createGraphics();
        try {
            g.setComposite(AlphaComposite.SrcOver);
            for (Sprite s : at(seconds)) {
                g.drawImage(s.image(), s.x(), s.y(), null);
            }
        } finally {
            g.dispose();
        }
    }

    /** The end card of {@code placement}: its background, the logo above the call to action, the label. */
    public static BufferedImage endCard(Placement placement, BrandKit brand) {
        FrameSize size = placement.size();
        int[] safe = placement.safeArea().rectangle(size);
        int unit = Math.min(size.width(), size.height());
        BrandKit.EndCard card = brand.endCard();
        BufferedImage image = new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            Drawing.smooth(g);
            g.setColor(card.background());
            g.fillRect(0, 0, size.width(), size.height());
            int middle = safe[1] + safe[3] / 2;
            if (brand.logo() != null) {
                BufferedImage logo = Drawing.scaled(brand.logo(), (int) Math.round(CARD_LOGO * unit), safe[2],
                        safe[3] / 3);
                g.drawImage(logo, safe[0] + (safe[2] - logo.getWidth()) / 2, middle - logo.getHeight() - unit / 30,
                        null);
            }
            Font font = Drawing.fit(Fonts.bold((float) (CARD_TEXT * unit)), card.text(), (int) (safe[2] * 0.9));
            List<String> lines = Drawing.wrap(card.text(), g.getFontMetrics(font), (int) (safe[2] * 0.9));
            g.setFont(font);
            g.setColor(card.textColor());
            FontMetrics m = g.getFontMetrics();
            int y = brand.logo() != null ? middle + unit / 30 + m.getAscent()
                    : middle - lines.size() * m.getHeight() / 2 + m.getAscent();
            for (String line : lines) {
                g.drawString(line, safe[0] + (safe[2] - m.stringWidth(line)) / 2, y);
                y += m.getHeight();
            }
        } finally {
            g.dispose();
        }
        if (brand.aiLabel()) {
            new Overlay(List.of(new Sprite(label(unit, safe[2]), safe[0], safe[1])), List.of(), List.of())
                    .drawOn(image, 0);
        }
        return image;
    }

    /** The "AI generated" label for a frame whose shorter side is {@code unit}. */
    private static BufferedImage label(int unit, int maxWidth) {
        return Drawing.box(List.of(BrandKit.AI_LABEL), Fonts.bold((float) (LABEL_TEXT * unit)), maxWidth);
    }

    /** A caption: white lines on a dark box, wrapped to {@code maxWidth}, smaller type when a word is too long. */
    private static BufferedImage caption(String text, float pixels, int maxWidth) {
        Font font = Drawing.fit(Fonts.bold(pixels), text, maxWidth);
        return Drawing.box(Drawing.wrap(text, Drawing.metrics(font), maxWidth), font, maxWidth);
    }
}
