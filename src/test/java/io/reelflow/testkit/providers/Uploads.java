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
