package io.reelflow.media;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.WritableRaster;
import java.nio.ByteBuffer;

import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Pictures between FFmpeg's BGR24 frames and Java's {@code TYPE_3BYTE_BGR} images, which lay out their bytes
 * alike: copied a row at a time, where JavaCV's own converter copies byte by byte (the most of the look check's
 * time in a profiled run). The bytes are the same either way.
 */
public final class BgrPictures {

    private Frame frame;

    /**
     * {@code image} as a BGR24 frame to push into a filter: this object's own
     * frame, overwritten by the next call.
     */
    public Frame frame(BufferedImage image) {
        image = plain(image);
        int width = image.getWidth();
        int height = image.getHeight();
        if (frame == null || frame.imageWidth != width || frame.imageHeight != height) {
            frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
        }
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        ByteBuffer out = (ByteBuffer) frame.image[0];
        int row = width * 3;
        for (int y = 0; y < height; y++) {
            out.put(y * frame.imageStride, data, y * row, row);
        }
        return frame;
    }

    /** {@code image} itself when its bytes are BGR rows one after another from the first, else a copy that is. */
    private static BufferedImage plain(BufferedImage image) {
        WritableRaster raster = image.getRaster();
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0 && raster.getDataBuffer().getOffset() == 0
                && raster.getSampleModel() instanceof ComponentSampleModel layout
                && layout.getPixelStride() == 3 && layout.getScanlineStride() == image.getWidth() * 3) {
            return image;
        }
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        copy.getGraphics().drawImage(image, 0, 0, null);
        return copy;
    }

    /** A new {@code TYPE_3BYTE_BGR} image with the picture of a decoded or filtered frame. */
    public static BufferedImage image(Frame frame) {
        if (frame.imageChannels != 3 || frame.imageDepth != Frame.DEPTH_UBYTE) {
            try (Java2DFrameConverter converter = new Java2DFrameConverter()) {
                return Frames.toBgr(converter.convert(frame));
            }
        }
        BufferedImage image = new BufferedImage(frame.imageWidth, frame.imageHeight, BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        ByteBuffer in = (ByteBuffer) frame.image[0];
        int row = frame.imageWidth * 3;
        for (int y = 0; y < frame.imageHeight; y++) {
            in.get(y * frame.imageStride, data, y * row, row);
        }
        return image;
    }
}
