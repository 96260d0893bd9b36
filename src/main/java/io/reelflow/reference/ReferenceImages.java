package io.reelflow.reference;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import javax.imageio.ImageIO;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.FrameSize;
import io.reelflow.media.Grabber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Turns a shot's reference image (a URL or an inline data URL) into a PNG of the job's exact frame size, the
 * form every provider accepts as a first frame. The file must really be a PNG, JPEG or WebP (checked by its
 * signature, not its name or content type). With fit {@code crop} an image of another shape is centre-cropped
 * to the frame's aspect ratio and resized; with {@code strict} it is refused.
 */
@ApplicationScoped
public class ReferenceImages {

    /** Aspect ratios closer than this count as the same (1280x720 against a 1920x1080 image, say). */
    private static final double ASPECT_TOLERANCE = 0.01;

    private final SafeFetcher fetcher;
    private final Path workDir;
    private final long maxPixels;
    private final long maxDecodedBytes;

    @Inject
    public ReferenceImages(ReelflowConfig config, io.vertx.core.Vertx vertx) throws IOException {
        this(new SafeFetcher(vertx, config.referenceImages().maxBytes(), config.referenceImages().fetchTimeout(),
                config.referenceImages().trustedHosts().orElse(List.of()), java.net.InetAddress::getAllByName),
                config.storage().workDirectory(), config.referenceImages().maxPixels(),
                config.referenceImages().maxDecodedBytes());
    }

    public ReferenceImages(SafeFetcher fetcher, Path workDir, long maxPixels, long maxDecodedBytes) throws IOException {
        this.fetcher = fetcher;
        this.workDir = workDir;
        this.maxPixels = maxPixels;
        this.maxDecodedBytes = maxDecodedBytes;
        Files.createDirectories(workDir);
    }

    /** The image fitted to {@code frame}, in a work file the caller deletes. */
    public Path prepare(String url, FrameSize frame, String fit) throws ReferenceImageException {
        byte[] bytes = url.startsWith("data:") ? decodeDataUrl(url) : fetcher.fetch(url);
        String format = format(bytes);
        BufferedImage image = decode(bytes, format);
        BufferedImage fitted = fit(image, frame, "strict".equals(fit));
        try {
            Path png = Files.createTempFile(workDir, "reference-", ".png");
            ImageIO.write(fitted, "png", png.toFile());
            return png;
        } catch (IOException e) {
            throw new ReferenceImageException("could not be written for upload: " + e.getMessage(), false, e);
        }
    }

    /** The picture at {@code url} (fetched safely, or inline), as the file has it (a PNG keeps its transparency). */
    public BufferedImage picture(String url) throws ReferenceImageException {
        byte[] bytes = url.startsWith("data:") ? decodeDataUrl(url) : fetcher.fetch(url);
        return decode(bytes, format(bytes));
    }

    /** Checks an inline data URL without decoding its picture: base64 that holds a PNG, JPEG or WebP file. */
    public static void checkInline(String url) throws ReferenceImageException {
        format(decodeDataUrl(url));
    }

    static byte[] decodeDataUrl(String url) throws ReferenceImageException {
        int comma = url.indexOf(',');
        if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            throw new ReferenceImageException("is a data URL without base64 content", true);
        }
        try {
            return Base64.getMimeDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw new ReferenceImageException("is a data URL whose base64 content is broken", true);
        }
    }

    /** The image format the file's first bytes prove, or a refusal. */
    static String format(byte[] b) throws ReferenceImageException {
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0d
                && b[5] == 0x0a && b[6] == 0x1a && b[7] == 0x0a) {
            return "png";
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return "jpeg";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E'
                && b[10] == 'B' && b[11] == 'P') {
            return "webp";
        }
        throw new ReferenceImageException("is not a PNG, JPEG or WebP file (its first bytes say otherwise)", true);
    }

    private BufferedImage decode(byte[] bytes, String format) throws ReferenceImageException {
        checkDeclaredSize(bytes, format);
        BufferedImage image = null;
        try {
            if (!format.equals("webp")) {
                image = ImageIO.read(new ByteArrayInputStream(bytes));
            } else {
                image = decodeWithFfmpeg(bytes);
            }
        } catch (IOException | RuntimeException e) {
            throw new ReferenceImageException("is a " + format + " file that cannot be decoded: " + e.getMessage(), true,
                    e);
        }
        if (image == null || image.getWidth() < 16 || image.getHeight() < 16) {
            throw new ReferenceImageException("is a " + format + " file without a usable picture", true);
        }
        return image;
    }

    /**
     * Refuses a picture too large to decode before any of it is decoded, from the size its header declares: a file
     * of a few hundred bytes may declare a picture of billions of pixels.
     */
    private void checkDeclaredSize(byte[] bytes, String format) throws ReferenceImageException {
        ImageHeader header = ImageHeader.read(bytes, format);
        long pixels = (long) header.width() * header.height();
        long decoded = pixels * header.bytesPerPixel();
        if (header.width() <= 0 || header.height() <= 0) {
            throw new ReferenceImageException("is a " + format + " file whose header declares no picture size", true);
        }
        if (pixels > maxPixels || decoded > maxDecodedBytes) {
            throw new ReferenceImageException("is a " + format + " file that declares a " + header.width() + "x"
                    + header.height() + " picture (" + pixels + " pixels, " + decoded + " bytes decoded); at most "
                    + maxPixels + " pixels and " + maxDecodedBytes + " bytes decoded are allowed", true);
        }
    }

    private BufferedImage decodeWithFfmpeg(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(workDir, "reference-", ".webp");
        try {
            Files.write(file, bytes);
            try (FFmpegFrameGrabber grabber = new Grabber(file);
                    Java2DFrameConverter converter = new Java2DFrameConverter()) {
                grabber.start();
                Frame frame = grabber.grabImage();
                BufferedImage image = frame == null ? null : copy(converter.convert(frame));
                grabber.stop();
                return image;
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Centre-crops to the frame's aspect ratio and resizes to its exact size. */
    static BufferedImage fit(BufferedImage image, FrameSize frame, boolean strict) throws ReferenceImageException {
        double have = (double) image.getWidth() / image.getHeight();
        double want = (double) frame.width() / frame.height();
        boolean sameShape = Math.abs(have - want) / want <= ASPECT_TOLERANCE;
        if (!sameShape && strict) {
            throw new ReferenceImageException("is " + image.getWidth() + "x" + image.getHeight()
                    + ", another aspect ratio than the " + frame + " frame, and the shot asks for strict matching"
                    + " (use fit 'crop' to centre-crop it)", true);
        }
        int cropWidth = image.getWidth();
        int cropHeight = image.getHeight();
        if (!sameShape) {
            if (have > want) {
                cropWidth = (int) Math.round(image.getHeight() * want);
            } else {
                cropHeight = (int) Math.round(image.getWidth() / want);
            }
        }
        int x = (image.getWidth() - cropWidth) / 2;
        int y = (image.getHeight() - cropHeight) / 2;
        BufferedImage out = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, frame.width(), frame.height(), x, y, x + cropWidth, y + cropHeight, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage copy(BufferedImage frame) {
        BufferedImage out = new BufferedImage(frame.getWidth(), frame.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(frame, 0, 0, null);
        g.dispose();
        return out;
    }
}
