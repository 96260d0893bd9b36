package io.reelflow.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Single pictures out of clips: the frame at a given second, and pictures fitted to another frame size with
 * FFmpeg's Lanczos scaler (centre-cropped to the frame's aspect ratio, then scaled, so nothing is stretched).
 */
public final class Frames {

    static {
        // FFmpeg writes to the process's standard error: the JPEG muxer's stream summary (info) and the scaler's
        // note on full-range YUV (warning) would break a log of JSON lines. Errors still show.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private Frames() {
    }

    /** The picture shown at {@code seconds} into {@code video} (the last one when the clip is shorter). */
    public static BufferedImage at(Path video, double seconds) throws IOException {
        return at(video, List.of(seconds)).get(0);
    }

    /** The pictures shown at each of {@code times} (seconds, ascending) into {@code video}. */
    public static List<BufferedImage> at(Path video, List<Double> times) throws IOException {
        return grab(video, times, avutil.AV_PIX_FMT_BGR24, BgrPictures::image);
    }

    /**
     * The pictures of {@code video} asked for one at a time in time order, decoding it once: only the picture last
     * asked for is held, so a caller that wants many pictures of a large clip need not hold them all.
     */
    public static Walk walk(Path video) throws IOException {
        return new Walk(video);
    }

    /** See {@link #walk(Path)}. */
    public static final class Walk implements AutoCloseable {

        private final Path video;
        private final FFmpegFrameGrabber grabber;
        private BufferedImage current;
        private double currentEnd = Double.NEGATIVE_INFINITY;
        private double asked = Double.NEGATIVE_INFINITY;

        private Walk(Path video) throws IOException {
            this.video = video;
            this.grabber = new Grabber(video);
            try {
                grabber.setVideoOption("threads", "1");
                grabber.start();
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /**
         * The picture shown at {@code seconds} (the last one when the clip is shorter); {@code seconds} may not be
         * earlier than the time asked for before.
         */
        public BufferedImage at(double seconds) throws IOException {
            if (seconds < asked) {
                throw new IllegalArgumentException("pictures are taken in time order: " + seconds + " s after "
                        + asked + " s");
            }
            asked = seconds;
            while (current == null || seconds >= currentEnd) {
                Frame frame = grabber.grabImage();
                if (frame == null) {
                    // Past the end: the clip's last picture (which a pass keeping every picture has), shown at every
                    // later time too.
                    current = Frames.at(video, seconds);
                    currentEnd = Double.POSITIVE_INFINITY;
                    return current;
                }
                double end = (frame.timestamp + 1_000_000.0 / Math.max(1, grabber.getFrameRate())) / 1_000_000.0;
                if (seconds < end) {
                    current = BgrPictures.image(frame);
                    currentEnd = end;
                }
            }
            return current;
        }

        @Override
        public void close() throws IOException {
            grabber.close();
        }
    }

    /**
     * What {@code take} makes of the pictures of {@code video} shown at {@code times} (seconds, ascending), decoded
     * in {@code pixelFormat}; {@code take} is given the grabber's own frame, valid only during the call.
     */
    private static <T> List<T> grab(Path video, List<Double> times, int pixelFormat, Function<Frame, T> take)
            throws IOException {
        double[] lastStart = {0};
        List<T> pictures = pass(video, times, pixelFormat, take, lastStart);
        if (pictures.size() < times.size()) {
            // Times past the clip's end show its last picture: taken in a second pass, at that picture's own time.
            T last = pass(video, List.of(lastStart[0]), pixelFormat, take, lastStart).get(0);
            while (pictures.size() < times.size()) {
                pictures.add(last);
            }
        }
        return pictures;
    }

    /**
     * Decodes {@code video} up to the last of {@code times}, taking only the pictures wanted; fewer than asked when
     * {@code times} run past the end, with the time the last picture starts at in {@code lastStart[0]}.
     */
    private static <T> List<T> pass(Path video, List<Double> times, int pixelFormat, Function<Frame, T> take,
            double[] lastStart) throws IOException {
        List<T> pictures = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new Grabber(video)) {
            grabber.setVideoOption("threads", "1");
            grabber.setPixelFormat(pixelFormat);
            grabber.start();
            boolean any = false;
            int next = 0;
            Frame frame;
            while (next < times.size() && (frame = grabber.grabImage()) != null) {
                any = true;
                lastStart[0] = frame.timestamp / 1_000_000.0;
                // Every wanted time at or before this frame's end shows this frame.
                double end = (frame.timestamp + 1_000_000.0 / Math.max(1, grabber.getFrameRate())) / 1_000_000.0;
                T image = times.get(next) < end ? take.apply(frame) : null;
                while (next < times.size() && times.get(next) < end) {
                    pictures.add(image);
                    next++;
                }
            }
            grabber.stop();
            if (!any) {
                throw new IOException("the clip has no picture");
            }
        }
        return pictures;
    }

    /**
     * The picture shown at {@code seconds} into {@code video} (the last one when the clip is shorter), fitted to
     * {@code frame} around {@code focus} as {@link #fit} does, written to {@code jpeg} by FFmpeg's JPEG encoder
     * (quality 2 of 31): decoded, cropped, scaled and encoded in YUV, with no RGB picture in between. In one
     * measurement on two cores, a 720p draft's first frame fitted to 1792x1024 took about 23 ms of CPU this way,
     * where taking the picture, fitting it in RGB and writing it with ImageIO took 44 to 58 ms: the work a final's
     * create step does when its start frame was not made ahead (the {@code media} benchmark times it against the
     * {@code ffmpeg} command line).
     */
    public static void fittedJpeg(Path video, double seconds, FrameSize frame, Deliverables.Focus focus, Path jpeg)
            throws IOException {
        try {
            // Fitted and encoded straight from the decoder's frame, as it is found.
            grab(video, List.of(seconds), avutil.AV_PIX_FMT_YUV420P, picture -> {
                try {
                    encodeFitted(picture, avutil.AV_PIX_FMT_YUV420P, frame, focus, jpeg);
                    return jpeg;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** {@code image} fitted and written as {@link #fittedJpeg(Path, double, FrameSize, Deliverables.Focus, Path)}. */
    public static void fittedJpeg(BufferedImage image, FrameSize frame, Deliverables.Focus focus, Path jpeg)
            throws IOException {
        encodeFitted(new BgrPictures().frame(image), avutil.AV_PIX_FMT_BGR24, frame, focus, jpeg);
    }

    private static void encodeFitted(Frame picture, int pixelFormat, FrameSize frame, Deliverables.Focus focus,
            Path jpeg) throws IOException {
        String graph = fitGraph(new FrameSize(picture.imageWidth, picture.imageHeight), frame, focus)
                + ",format=yuvj420p";
        try (FFmpegFrameFilter filter = new FilterGraph(graph, picture.imageWidth, picture.imageHeight)) {
            filter.setPixelFormat(pixelFormat);
            filter.start();
            filter.push(picture, pixelFormat);
            Frame fitted = filter.pull();
            if (fitted == null) {
                throw new IOException("the scaler gave no picture");
            }
            try (FFmpegFrameRecorder encoder = new Recorder(jpeg, frame.width(), frame.height())) {
                encoder.setFormat("image2");
                encoder.setOption("update", "1");
                encoder.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
                encoder.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
                // Quantizer scale 2 (the command line's -q:v 2), as the encoder's own options: JavaCV's video
                // quality would also pass a crf the JPEG encoder refuses, and print that refusal.
                encoder.setVideoOption("flags", "+qscale");
                encoder.setVideoOption("global_quality", Integer.toString(2 * avutil.FF_QP2LAMBDA));
                encoder.start();
                encoder.record(fitted, avutil.AV_PIX_FMT_YUVJ420P);
                encoder.stop();
            }
            filter.stop();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** {@code image} centre-cropped to {@code frame}'s aspect ratio and scaled to it exactly with Lanczos. */
    public static BufferedImage fit(BufferedImage image, FrameSize frame) throws IOException {
        return fit(image, frame, Deliverables.Focus.CENTRE);
    }

    /**
     * {@code image} cropped to {@code frame}'s aspect ratio around {@code focus} (kept inside the picture) and scaled
     * to it exactly with Lanczos (cropping first keeps the scaler's output a whole picture, whichever way the
     * orientation turns).
     */
    public static BufferedImage fit(BufferedImage image, FrameSize frame, Deliverables.Focus focus)
            throws IOException {
        String graph = fitGraph(new FrameSize(image.getWidth(), image.getHeight()), frame, focus);
        try (FFmpegFrameFilter filter = new FilterGraph(graph, image.getWidth(), image.getHeight())) {
            filter.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            filter.start();
            filter.push(new BgrPictures().frame(image), avutil.AV_PIX_FMT_BGR24);
            Frame out = filter.pull();
            if (out == null) {
                throw new IOException("the scaler gave no picture");
            }
            BufferedImage fitted = BgrPictures.image(out);
            filter.stop();
            return fitted;
        }
    }

    /**
     * The FFmpeg filter graph that fits a picture of size {@code from} to {@code frame} as {@link #fit} does: a crop
     * to the frame's aspect ratio around {@code focus}, then the Lanczos scale.
     */
    public static String fitGraph(FrameSize from, FrameSize frame, Deliverables.Focus focus) {
        int width = from.width();
        int height = from.height();
        double want = (double) frame.width() / frame.height();
        int cropWidth = Math.min(width, (int) Math.round(height * want));
        int cropHeight = Math.min(height, (int) Math.round(width / want));
        int x = Math.max(0, Math.min(width - cropWidth, (int) Math.round(focus.x() * width - cropWidth / 2.0)));
        int y = Math.max(0, Math.min(height - cropHeight, (int) Math.round(focus.y() * height - cropHeight / 2.0)));
        return "crop=" + cropWidth + ":" + cropHeight + ":" + x + ":" + y + ",scale=" + frame.width() + ":"
                + frame.height() + ":flags=lanczos+accurate_rnd+full_chroma_int";
    }

    /**
     * Writes {@code image} as a JPEG at quality 0.97. For a grainy 1792x1024 frame: about 20 ms and 340 KB, where
     * a PNG takes about 110 ms and 2.2 MB; SSIM about 0.99 against the picture.
     */
    public static void writeJpeg(BufferedImage image, Path jpeg) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(jpeg.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.97f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(toBgr(image), null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /** Writes {@code image} as a PNG. */
    public static void writePng(BufferedImage image, Path png) throws IOException {
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    /** Reads a PNG, JPEG or other picture ImageIO knows. */
    public static BufferedImage read(Path picture) throws IOException {
        BufferedImage image = ImageIO.read(picture.toFile());
        if (image == null) {
            throw new IOException(picture.getFileName() + " is not a picture");
        }
        return image;
    }

    static BufferedImage toBgr(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return image;
        }
        BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(image, 0, 0, null);
        return bgr;
    }
}
