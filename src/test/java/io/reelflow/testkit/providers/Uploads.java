package io.reelflow.testkit.providers;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** What a stand-in checks of an uploaded picture: it is a PNG, JPEG or WebP, and declared as what it is. */
final class Uploads {

    private Uploads() {
    }

    /** Why {@code bytes}, sent in {@code field} as {@code declared}, break the contract; null when they do not. */
    static String mismatch(String field, String declared, byte[] bytes) {
        String actual = mediaType(bytes);
        if (actual == null) {
            return field + " is not a PNG, JPEG or WebP image";
        }
        return actual.equals(declared) ? null : field + " is declared " + declared + " but is " + actual;
    }

    /**
     * The picture's size as {@code WIDTHxHEIGHT}, read from its header as a provider checks it (the picture is not
     * decoded: on the benchmarks' two cores a stand-in decoding every upload takes CPU from the service it measures);
     * null when no reader knows the format.
     */
    static String size(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return reader.getWidth(0) + "x" + reader.getHeight(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static String mediaType(byte[] bytes) {
        if (bytes.length >= 12 && new String(bytes, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
                && new String(bytes, 8, 4, StandardCharsets.US_ASCII).equals("WEBP")) {
            return "image/webp";
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            return switch (readers.next().getFormatName().toLowerCase(Locale.ROOT)) {
                case "png" -> "image/png";
                case "jpeg", "jpg" -> "image/jpeg";
                default -> null;
            };
        } catch (IOException e) {
            return null;
        }
    }
}
