package io.reelflow.media;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacv.Frame;

/**
 * Lays an overlay's sprites on a YUV 4:2:0 picture in place, each pixel blended by its alpha, as FFmpeg's overlay
 * filter does: only the sprites' own pixels are read and written, and the picture never leaves its encoder's format
 * (no full-frame conversion to RGB and back). Colours are converted as FFmpeg's scaler converts RGB to YUV by
 * default (BT.601, limited range). Each sprite is converted once and reused for every picture it is shown on.
 */
final class SpriteBlend {

    /** A sprite as Y, U, V and alpha planes over the 2x2-aligned box that holds it. */
    private record Planes(int x, int y, int width, int height, byte[] luma, byte[] alpha, byte[] u, byte[] v,
            byte[] chromaAlpha) {
    }

    private final Map<Overlay.Sprite, Planes> converted = new IdentityHashMap<>();

    /**
     * Blends {@code sprites} onto {@code frame}, a picture whose one buffer holds its Y plane, then U, then V, each
     * without padding (as JavaCV hands out planar pictures).
     */
    void onto(Frame frame, List<Overlay.Sprite> sprites) {
        ByteBuffer picture = (ByteBuffer) frame.image[0];
        int width = frame.imageWidth;
        int height = frame.imageHeight;
        int chromaWidth = (width + 1) / 2;
        int chromaHeight = (height + 1) / 2;
        int uStart = width * height;
        int vStart = uStart + chromaWidth * chromaHeight;
        for (Overlay.Sprite sprite : sprites) {
            Planes p = converted.computeIfAbsent(sprite, SpriteBlend::convert);
            for (int j = 0; j < p.height(); j++) {
                int row = p.y() + j;
                if (row < 0 || row >= height) {
                    continue;
                }
                for (int i = 0; i < p.width(); i++) {
                    int column = p.x() + i;
                    int a = p.alpha()[j * p.width() + i] & 0xff;
                    if (a == 0 || column < 0 || column >= width) {
                        continue;
                    }
                    int at = row * width + column;
                    picture.put(at, mix(p.luma()[j * p.width() + i], picture.get(at), a));
                }
            }
            int chromaBoxWidth = p.width() / 2;
            for (int j = 0; j < p.height() / 2; j++) {
                int row = p.y() / 2 + j;
                if (row < 0 || row >= chromaHeight) {
                    continue;
                }
                for (int i = 0; i < chromaBoxWidth; i++) {
                    int column = p.x() / 2 + i;
                    int a = p.chromaAlpha()[j * chromaBoxWidth + i] & 0xff;
                    if (a == 0 || column < 0 || column >= chromaWidth) {
                        continue;
                    }
                    int at = row * chromaWidth + column;
                    picture.put(uStart + at, mix(p.u()[j * chromaBoxWidth + i], picture.get(uStart + at), a));
                    picture.put(vStart + at, mix(p.v()[j * chromaBoxWidth + i], picture.get(vStart + at), a));
                }
            }
        }
    }

    private static byte mix(byte over, byte under, int alpha) {
        return (byte) (((over & 0xff) * alpha + (under & 0xff) * (255 - alpha) + 127) / 255);
    }

    /**
     * The sprite drawn into a box starting on even coordinates (so that each 2x2 block of the box is one chroma
     * sample of the picture); the box's pixels outside the sprite are transparent, so nothing moves.
     */
    private static Planes convert(Overlay.Sprite sprite) {
        int x = sprite.x() - Math.floorMod(sprite.x(), 2);
        int y = sprite.y() - Math.floorMod(sprite.y(), 2);
        int width = sprite.x() - x + sprite.image().getWidth();
        int height = sprite.y() - y + sprite.image().getHeight();
        width += width % 2;
        height += height % 2;
        BufferedImage box = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = box.createGraphics();
        g.drawImage(sprite.image(), sprite.x() - x, sprite.y() - y, null);
        g.dispose();
        int[] argb = box.getRGB(0, 0, width, height, null, 0, width);
        byte[] luma = new byte[width * height];
        byte[] alpha = new byte[width * height];
        for (int k = 0; k < argb.length; k++) {
            int c = argb[k];
            alpha[k] = (byte) (c >>> 24);
            luma[k] = (byte) luma(c >> 16 & 0xff, c >> 8 & 0xff, c & 0xff);
        }
        int cw = width / 2;
        int ch = height / 2;
        byte[] u = new byte[cw * ch];
        byte[] v = new byte[cw * ch];
        byte[] chromaAlpha = new byte[cw * ch];
        for (int j = 0; j < ch; j++) {
            for (int i = 0; i < cw; i++) {
                // The block's colour weighted by each pixel's alpha, and the block's mean alpha.
                double weight = 0;
                double r = 0;
                double gr = 0;
                double b = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int c = argb[(2 * j + dy) * width + 2 * i + dx];
                        int a = c >>> 24;
                        weight += a;
                        r += a * (c >> 16 & 0xff);
                        gr += a * (c >> 8 & 0xff);
                        b += a * (c & 0xff);
                    }
                }
                int k = j * cw + i;
                chromaAlpha[k] = (byte) Math.round(weight / 4);
                if (weight > 0) {
                    u[k] = (byte) clamp(Math.round(128 + (-37.797 * r - 74.203 * gr + 112.0 * b) / weight / 255));
                    v[k] = (byte) clamp(Math.round(128 + (112.0 * r - 93.786 * gr - 18.214 * b) / weight / 255));
                }
            }
        }
        return new Planes(x, y, width, height, luma, alpha, u, v, chromaAlpha);
    }

    private static int luma(int r, int g, int b) {
        return clamp(Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255));
    }

    private static int clamp(long value) {
        return (int) Math.max(0, Math.min(255, value));
    }
}
