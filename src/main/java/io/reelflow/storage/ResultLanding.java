package io.reelflow.storage;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.ClipInspector;
import io.reelflow.media.Conformer;
import io.reelflow.media.FrameSize;
import io.reelflow.media.Deliverables;
import io.reelflow.media.Frames;
import io.reelflow.media.ImageType;
import io.reelflow.media.MediaProbe;
import io.reelflow.media.PosterExtractor;
import io.reelflow.media.Segments;
import io.reelflow.provenance.ContentCredentials;
import io.reelflow.provenance.CredentialSigning;
import io.reelflow.provenance.Origin;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Lands a provider's result: streams it to a work file while hashing it, probes it and writes its poster, and
 * uploads both. Memory use does not grow with the size of the video.
 */
@ApplicationScoped
public class ResultLanding {

    private static final Logger LOG = Logger.getLogger(ResultLanding.class);

    /**
     * What was stored. {@code sourceSha256} is the provider's file as served; it differs from {@code sha256}
     * when the clip was cut or fitted to the job. {@code qcFailures} is null when no quality check was asked for.
     * {@code served} is the provider's file as probed before any cut: what the provider delivered (and bills).
     * {@code credentials} is the content credentials the stored file carries (null: none).
     */
    public record Landed(String sha256, long sizeBytes, String sourceSha256, MediaProbe.Probe probe,
            List<String> qcFailures, String thumbnailKey, MediaProbe.Probe served, ContentCredentials.Signed credentials) {

        public Landed withThumbnail(String key) {
            return new Landed(sha256, sizeBytes, sourceSha256, probe, qcFailures, key, served, credentials);
        }
    }

    /** What the clip was asked to be: its exact length and frame size. */
    public record Expected(int seconds, FrameSize size) {
    }

    private final ObjectStore store;
    private final Path workDir;
    private final CredentialSigning credentials;

    public ResultLanding(ObjectStore store, ReelflowConfig config, CredentialSigning credentials) throws IOException {
        this.store = store;
        this.workDir = config.storage().workDirectory();
        this.credentials = credentials;
        Files.createDirectories(workDir);
    }

    /**
     * Lands a result as {@code target}: a clip of another size or a longer one is first cut and fitted to it.
     * With {@code qc} the stored clip is also inspected by the automatic quality check. The stored file carries
     * content credentials where the deployment signs: made by {@code origin}'s model, from the provider's file
     * ({@code providerJobId}), then what was done to fit it.
     */
    public Landed land(InputStream result, String videoKey, String posterKey, Expected target, boolean qc,
            Origin origin, String providerJobId) throws IOException {
        return land(result, videoKey, posterKey, target, qc, origin, providerJobId, List.of());
    }

    private Landed land(InputStream result, String videoKey, String posterKey, Expected target, boolean qc,
            Origin origin, String providerJobId, List<ContentCredentials.Action> before) throws IOException {
        Path served = Files.createTempFile(workDir, "result-", ".mp4");
        Path conformed = Files.createTempFile(workDir, "conformed-", ".mp4");
        Path poster = Files.createTempFile(workDir, "poster-", ".jpg");
        try {
            String sourceSha256 = receive(result, served);
            long size = Files.size(served);
            // The poster comes with the probe (one opening of the file); a clip that is fitted below gets it again.
            MediaProbe.Probe probe = PosterExtractor.probeAndWritePoster(served, poster);
            MediaProbe.Probe delivered = probe;
            Path video = served;
            String sha256 = sourceSha256;
            // A provider's own credentials cannot stay in the file as it is beside Reelflow's: such a file is re-made,
            // and the provider's manifests travel into the new store as its ingredient's.
            byte[] providerCredentials = credentials.signer().isPresent()
                    ? ContentCredentials.manifestStore(served).orElse(null) : null;
            boolean providerSigned = providerCredentials != null;
            boolean fitted = providerSigned || !Conformer.conforms(probe, target.size(), target.seconds());
            if (fitted) {
                Segments.join(List.of(served), target.size(), target.seconds(), conformed);
                video = conformed;
                probe = PosterExtractor.probeAndWritePoster(conformed, poster);
                size = Files.size(conformed);
            }
            List<String> qcFailures = qc ? ClipInspector.inspect(video, probe, target.seconds(), target.size()) : null;
            ContentCredentials.Signed label = null;
            Optional<ContentCredentials> signer = credentials.signer();
            if (signer.isPresent() && origin != null) {
                // Signing is the last step before upload: one read of the work file, one append, and its hash.
                Origin from = before.isEmpty() ? origin.with(Origin.providerFile(origin.provider(), providerJobId,
                        sourceSha256, providerCredentials)) : origin;
                List<ContentCredentials.Action> edits = new ArrayList<>(before);
                if (fitted) {
                    edits.addAll(fitting(delivered, target));
                }
                ContentCredentials.Signed signed = signer.get().sign(video, from.statement(fileName(videoKey), edits));
                sha256 = signed.sha256();
                size = signed.sizeBytes();
                label = signed;
            } else if (fitted) {
                sha256 = Hashing.sha256Hex(conformed);
            }
            store.put(videoKey, video, "video/mp4");
            store.put(posterKey, poster, "image/jpeg");
            return new Landed(sha256, size, sourceSha256, probe, qcFailures, null, delivered, label);
        } finally {
            Files.deleteIfExists(served);
            Files.deleteIfExists(conformed);
            Files.deleteIfExists(poster);
        }
    }

    /** What fitting a clip of {@code served}'s length and size to {@code target} did to it. */
    static List<ContentCredentials.Action> fitting(MediaProbe.Probe served, Expected target) {
        List<ContentCredentials.Action> edits = new ArrayList<>();
        if (served.seconds() > target.seconds() + 0.05) {
            edits.add(ContentCredentials.Action.edited("c2pa.edited", String.format(java.util.Locale.ROOT,
                    "cut from %.2f s to %d s", served.seconds(), target.seconds())));
        }
        if (served.width() != target.size().width() || served.height() != target.size().height()) {
            edits.add(ContentCredentials.Action.edited("c2pa.cropped", "centre-cropped from " + served.width() + "x"
                    + served.height() + " to the shape of " + target.size()));
            edits.add(ContentCredentials.Action.edited("c2pa.resized", "scaled to " + target.size()));
        }
        edits.add(ContentCredentials.Action.edited("c2pa.edited", "re-encoded as H.264/AAC"));
        return edits;
    }

    private static String fileName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** Streams a provider's file into {@code file} and returns its sha256; an empty file is an error. */
    private static String receive(InputStream result, Path file) throws IOException {
        MessageDigest digest = Hashing.sha256();
        long size;
        try (InputStream in = result; OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            size = in.transferTo(out);
        }
        if (size == 0) {
            throw new EmptyResultException("the provider's result is empty");
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A stored segment: its key, the sha256 of the provider's bytes and what they probe as. */
    public record Part(String key, String sha256, MediaProbe.Probe probe) {
    }

    /**
     * Stores one segment of a video made of several provider calls and, unless it is the last, the frame the
     * next segment starts from.
     */
    public Part landSegment(InputStream result, String videoKey, int index, boolean last) throws IOException {
        Path video = Files.createTempFile(workDir, "segment-", ".mp4");
        Path frame = Files.createTempFile(workDir, "segment-", ".png");
        try {
            String sha256 = receive(result, video);
            MediaProbe.Probe probe = MediaProbe.probe(video);
            String key = ObjectKeys.segment(videoKey, index);
            store.put(key, video, "video/mp4");
            if (!last) {
                Segments.writeLastFrame(video, frame);
                store.put(ObjectKeys.segmentLastFrame(videoKey, index), frame, "image/png");
            }
            return new Part(key, sha256, probe);
        } finally {
            Files.deleteIfExists(video);
            Files.deleteIfExists(frame);
        }
    }

    /** Joins the stored segments of {@code videoKey} and lands the result as {@code target}. */
    public Landed landSegments(int count, String videoKey, String posterKey, Expected target, boolean qc,
            Origin origin) throws IOException {
        List<Path> parts = new java.util.ArrayList<>();
        Path joined = Files.createTempFile(workDir, "joined-", ".mp4");
        try {
            for (int i = 0; i < count; i++) {
                Path part = Files.createTempFile(workDir, "part-", ".mp4");
                parts.add(part);
                store.download(ObjectKeys.segment(videoKey, i), part);
            }
            Segments.join(parts, target.size(), target.seconds(), joined);
            List<ContentCredentials.Action> joining = List.of(
                    ContentCredentials.Action.edited("c2pa.edited", "joined " + count + " generated segments, each"
                            + " started from the previous one's last frame, cut to " + target.seconds() + " s"),
                    ContentCredentials.Action.edited("c2pa.resized", "fitted to " + target.size()),
                    ContentCredentials.Action.edited("c2pa.edited", "re-encoded as H.264/AAC"));
            return land(Files.newInputStream(joined), videoKey, posterKey, target, qc, origin, null, joining);
        } finally {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
            Files.deleteIfExists(joined);
        }
    }

    /** Copies the frame segment {@code index} ended on into a work file the caller deletes. */
    public Path segmentLastFrame(String videoKey, int index) throws IOException {
        Path frame = Files.createTempFile(workDir, "continue-", ".png");
        store.download(ObjectKeys.segmentLastFrame(videoKey, index), frame);
        return frame;
    }

    /**
     * Fits and writes one blank picture as {@link #startFrame} does, so that loading FFmpeg's scaler and warming the
     * code is not paid by the first finals of a freshly started replica (several at once, behind one loading lock).
     */
    public void warmStartFrames(FrameSize frame) throws IOException {
        Path picture = Files.createTempFile(workDir, "warm-", ".jpg");
        try {
            Frames.fittedJpeg(new BufferedImage(1280, 720, BufferedImage.TYPE_3BYTE_BGR), frame,
                    Deliverables.Focus.CENTRE, picture);
        } finally {
            Files.deleteIfExists(picture);
        }
    }

    /**
     * The frame {@code second} into the stored video {@code draftKey}, cut to {@code frame}'s shape around
     * {@code focus} and scaled to it with FFmpeg's Lanczos scaler, as a work file the caller deletes: a JPEG (a PNG
     * when {@code frameKey} names one). It is kept at {@code frameKey} the first time, and read from there afterwards,
     * so every call (a retry, a retake) sends the same picture.
     */
    public Path startFrame(String draftKey, double second, String frameKey, FrameSize frame,
            Deliverables.Focus focus) throws IOException {
        return startFrame(draftKey, second, frameKey, frame, focus, true);
    }

    /**
     * The picture {@link #startFrame} returns, made and kept at {@code frameKey} without looking for it there first:
     * for a caller that knows it has not been made yet (making it again gives the same bytes, so a wrong guess costs
     * only the work).
     */
    public Path newStartFrame(String draftKey, double second, String frameKey, FrameSize frame,
            Deliverables.Focus focus) throws IOException {
        return startFrame(draftKey, second, frameKey, frame, focus, false);
    }

    private Path startFrame(String draftKey, double second, String frameKey, FrameSize frame,
            Deliverables.Focus focus, boolean lookFirst) throws IOException {
        boolean png = frameKey.endsWith(".png");
        Path picture = Files.createTempFile(workDir, "start-", png ? ".png" : ".jpg");
        Path draft = null;
        long began = System.nanoTime();
        try {
            if (lookFirst && store.downloadIfStored(frameKey, picture)) {
                LOG.debugf("start frame %s: read back in %d ms", frameKey, millisSince(began));
                return picture;
            }
            draft = Files.createTempFile(workDir, "approved-", ".mp4");
            long looked = System.nanoTime();
            store.download(draftKey, draft);
            long read = System.nanoTime();
            if (png) {
                Frames.writePng(Frames.fit(Frames.at(draft, second), frame, focus), picture);
            } else {
                Frames.fittedJpeg(draft, second, frame, focus, picture);
            }
            long made = System.nanoTime();
            store.put(frameKey, picture, png ? ImageType.PNG.mediaType() : ImageType.JPEG.mediaType());
            if (LOG.isDebugEnabled()) {
                // Where a start frame's time goes (looked up or not, draft read, picture taken, fitted and written,
                // stored): the create step waits on all of it.
                LOG.debugf("start frame %s: made in %d ms (lookup %s, draft %d, picture %d, store %d)", frameKey,
                        millisSince(began), lookFirst ? Long.toString((looked - began) / 1_000_000) : "skipped",
                        (read - looked) / 1_000_000, (made - read) / 1_000_000, millisSince(made));
            }
            return picture;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(picture);
            throw e;
        } finally {
            if (draft != null) {
                Files.deleteIfExists(draft);
            }
        }
    }

    /**
     * Stores the provider's own still beside the video ({@code .thumbnail.webp}, {@code .jpg} or {@code .png} by
     * what the file really is) and returns its key.
     */
    public String landThumbnail(InputStream thumbnail, String videoKey) throws IOException {
        Path file = Files.createTempFile(workDir, "thumbnail-", ".img");
        try {
            try (InputStream in = thumbnail) {
                Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            ImageType type;
            try {
                type = ImageType.of(file);
            } catch (IOException e) {
                throw new IOException("the provider's thumbnail is not a WebP, JPEG or PNG image", e);
            }
            String key = videoKey.replaceFirst("\\.mp4$", "") + ".thumbnail." + type.extension();
            store.put(key, file, type.mediaType());
            return key;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A result with no bytes: the provider reported success but served nothing. */
    public static class EmptyResultException extends IOException {
        public EmptyResultException(String message) {
            super(message);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
