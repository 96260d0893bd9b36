package io.reelflow.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * A contact sheet comparing two clips: the first clip's pictures in the top row, the second's below, each
 * column taken at the same second, so a reviewer sees at a glance whether the look carried.
 */
public final class ContactSheet {

    /** The long side of one picture on the sheet. */
    static final int CELL_LONG_SIDE = 320;
    private static final int GAP = 8;

    private ContactSheet() {
    }

    /**
     * The size of one picture on the sheet of pictures shaped like {@code shape}; pictures already fitted to it are
     * drawn as they are.
     */
    public static FrameSize cell(FrameSize shape) {
        double ratio = (double) shape.width() / shape.height();
        return shape.height() > shape.width() ? new FrameSize((int) Math.round(CELL_LONG_SIDE * ratio), CELL_LONG_SIDE)
                : new FrameSize(CELL_LONG_SIDE, (int) Math.round(CELL_LONG_SIDE / ratio));
    }

    private static BufferedImage fitted(BufferedImage picture, FrameSize cell) throws IOException {
        return picture.getWidth() == cell.width() && picture.getHeight() == cell.height() ? picture
                : Frames.fit(picture, cell);
    }

    /**
     * Writes a JPEG of {@code top} above {@code bottom} (same count; each pair taken at the same time), every
     * picture fitted to the shape of the bottom row's.
     */
    public static void write(List<BufferedImage> top, List<BufferedImage> bottom, Path jpeg) throws IOException {
        if (top.isEmpty() || top.size() != bottom.size()) {
            throw new IllegalArgumentException("a contact sheet needs rows of equal length");
        }
        BufferedImage shape = bottom.get(0);
        FrameSize cell = cell(new FrameSize(shape.getWidth(), shape.getHeight()));
        int columns = top.size();
        BufferedImage sheet = new BufferedImage(GAP + columns * (cell.width() + GAP), GAP + 2 * (cell.height() + GAP),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.DARK_GRAY);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            for (int i = 0; i < columns; i++) {
                int x = GAP + i * (cell.width() + GAP);
                g.drawImage(fitted(top.get(i), cell), x, GAP, null);
                g.drawImage(fitted(bottom.get(i), cell), x, 2 * GAP + cell.height(), null);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(sheet, "jpg", jpeg.toFile())) {
            throw new IOException("no JPEG writer");
        }
    }
}
