package io.reelflow.media;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Animates a preview from a given first frame: the picture is pushed in slowly (up to {@link #PUSH_IN}) while the
 * prompt's own painting fades in on top (up to {@link #OVERLAY} opacity), so the clip opens on exactly the given
 * picture and moves from there, as an image-to-video model does.
 */
final class FirstFrameMotion {

    static final double PUSH_IN = 0.12;
    static final float OVERLAY = 0.35f;

    private final BufferedImage first;
    private final BufferedImage canvas;
    private final Java2DFrameConverter in = new Java2DFrameConverter();
    private final Java2DFrameConverter out = new Java2DFrameConverter();

    FirstFrameMotion(BufferedImage first, FrameSize size) {
        if (first.getWidth() != size.width() || first.getHeight() != size.height()) {
            throw new IllegalArgumentException("the first frame is " + first.getWidth() + "x" + first.getHeight()
                    + ", not the clip's " + size);
        }
        this.first = first;
        this.canvas = new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_3BYTE_BGR);
    }

    /** The picture at {@code progress} (0 to 1 of the clip), with {@code painted} the prompt's own picture then. */
    Frame frame(Frame painted, double progress) {
        BufferedImage paint = in.convert(painted);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            double scale = 1 + PUSH_IN * progress;
            int w = (int) Math.round(canvas.getWidth() * scale);
            int h = (int) Math.round(canvas.getHeight() * scale);
            g.drawImage(first, (canvas.getWidth() - w) / 2, (canvas.getHeight() - h) / 2, w, h, null);
            float alpha = (float) (OVERLAY * progress);
            if (alpha > 0) {
                // Scaled up and blended in one pass.
                g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, alpha));
                g.drawImage(paint, 0, 0, canvas.getWidth(), canvas.getHeight(), null);
            }
        } finally {
            g.dispose();
        }
        return out.convert(canvas);
    }
}
