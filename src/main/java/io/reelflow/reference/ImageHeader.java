package io.reelflow.reference;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * A picture's size as its file's header declares it, and the bytes each pixel takes once decoded: read without
 * decoding the picture, so that a small file declaring a huge picture is refused before it costs memory.
 */
record ImageHeader(int width, int height, int bytesPerPixel) {

    /** Reads only the header: PNG and JPEG through ImageIO's reader (which stops there), WebP by its chunk layout. */
    static ImageHeader read(byte[] bytes, String format) throws ReferenceImageException {
        if (format.equals("webp")) {
            return webp(bytes);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ReferenceImageException("is a " + format + " file that cannot be read", true);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                int bytesPerPixel = 4;
                ImageTypeSpecifier raw = reader.getRawImageType(0);
                if (raw != null) {
                    int bits = 0;
                    for (int size : raw.getSampleModel().getSampleSize()) {
                        bits += size;
                    }
                    bytesPerPixel = Math.max(4, (bits + 7) / 8);
                }
                return new ImageHeader(width, height, bytesPerPixel);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new ReferenceImageException("is a " + format + " file whose header cannot be read", true, e);
        }
    }

    /** The canvas size of a WebP file: VP8X (extended), VP8L (lossless) or VP8 (lossy) bitstream header. */
    private static ImageHeader webp(byte[] b) throws ReferenceImageException {
        if (b.length >= 30 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'X') {
            int width = 1 + ((b[24] & 0xff) | (b[25] & 0xff) << 8 | (b[26] & 0xff) << 16);
            int height = 1 + ((b[27] & 0xff) | (b[28] & 0xff) << 8 | (b[29] & 0xff) << 16);
            return new ImageHeader(width, height, 4);
        }
        if (b.length >= 25 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'L' && (b[20] & 0xff) == 0x2f) {
            int bits = (b[21] & 0xff) | (b[22] & 0xff) << 8 | (b[23] & 0xff) << 16 | (b[24] & 0xff) << 24;
            return new ImageHeader(1 + (bits & 0x3fff), 1 + ((bits >>> 14) & 0x3fff), 4);
        }
        if (b.length >= 30 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == ' ') {
            int width = ((b[26] & 0xff) | (b[27] & 0xff) << 8) & 0x3fff;
            int height = ((b[28] & 0xff) | (b[29] & 0xff) << 8) & 0x3fff;
            return new ImageHeader(width, height, 4);
        }
        throw new ReferenceImageException("is a WebP file whose header cannot be read", true);
    }
}
