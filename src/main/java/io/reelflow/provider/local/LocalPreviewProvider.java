package io.reelflow.provider.local;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.provider.FailureKind;
import io.reelflow.media.FrameSize;
import io.reelflow.media.Frames;
import io.reelflow.media.PreviewRenderer;
import io.reelflow.provider.ProviderException;
import io.reelflow.provider.RemoteStatus;
import io.reelflow.provider.RenderRequest;
import io.reelflow.provider.VideoProvider;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The built-in {@code local} provider: behaves like a remote video model (a create call, a job that takes
 * {@code reelflow.local.latency}, a result to download) but renders previews on this machine with no
 * network and no key. Like a model, its look depends on the seed as well as the prompt, and a reference image
 * is the clip's first frame.
 *
 * <p>Each accepted create call is one file under {@code jobs/} in the spool directory, written atomically,
 * so the spool is also the provider's own record of every create call it received: it survives restarts
 * of the service and answers reconciliation lookups exactly.
 */
@ApplicationScoped
public class LocalPreviewProvider implements VideoProvider {

    public static final String NAME = "local";
    private static final Logger LOG = Logger.getLogger(LocalPreviewProvider.class);
    private static final Duration MAX_POLL = Duration.ofSeconds(1);

    /**
     * The provider's record of one accepted create call; with {@code firstFrame} its reference image is kept beside
     * it ({@code <id>.png}), and {@code seed} (null when none was sent) rolls its look.
     */
    public record LocalJob(String id, UUID reference, String model, String prompt, int seconds, int width,
            int height, Instant createdAt, Instant readyAt, Long seed, boolean firstFrame) {
    }

    private final ObjectMapper json;
    private final PreviewRenderer renderer = new PreviewRenderer();
    private final Duration latency;
    private final Optional<Pattern> refuse;
    private final Optional<Pattern> defect;
    private final Path jobs;
    private final Path results;
    private final boolean shared;
    /** Video bitrate asked of the encoder for a shared render (a 4 s 720p clip comes out near 230 KB with its audio). */
    private static final int SHARED_VIDEO_BITRATE = 64_000;

    public LocalPreviewProvider(ReelflowConfig config, ObjectMapper json) {
        this.json = json;
        this.latency = config.local().latency();
        this.refuse = config.local().refusePattern().map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE));
        this.defect = config.local().defectPattern().map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE));
        Path spool = config.local().spoolDir();
        this.jobs = spool.resolve("jobs");
        this.results = spool.resolve("results");
        this.shared = config.local().sharedRenders();
        try {
            Files.createDirectories(jobs);
            Files.createDirectories(results);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local provider's spool in " + spool, e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Submission create(RenderRequest request) throws ProviderException {
        if (refuse.isPresent() && refuse.get().matcher(request.prompt()).find()) {
            throw ProviderException.refused(FailureKind.MODERATION,
                    "prompt refused by the local provider's moderation rule").about("prompt");
        }
        Instant now = Instant.now();
        LocalJob job = new LocalJob("local_" + UUID.randomUUID(), request.reference(), request.model(),
                request.prompt(), request.seconds(), request.width(), request.height(), now, now.plus(latency),
                request.seed(), request.referenceImage() != null);
        Path tmp = jobs.resolve(job.id() + ".tmp");
        try {
            if (job.firstFrame()) {
                // Kept before the job is recorded: a recorded job always has its image.
                Files.copy(request.referenceImage(), jobs.resolve(job.id() + ".png"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            json.writeValue(tmp.toFile(), job);
            Files.move(tmp, jobs.resolve(job.id() + ".json"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw ProviderException.retryLater(Duration.ofSeconds(1), "local spool not writable: " + e.getMessage(), e);
        }
        return new Submission(job.id(), min(latency, MAX_POLL));
    }

    @Override
    public Lookup lookup(RenderRequest request) throws ProviderException {
        for (LocalJob job : jobs()) {
            if (job.reference().equals(request.reference())) {
                return Lookup.found(job.id());
            }
        }
        return Lookup.neverReceived();
    }

    @Override
    public RemoteStatus status(String providerJobId) throws ProviderException {
        Optional<LocalJob> job = read(providerJobId);
        if (job.isEmpty()) {
            return new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "local provider has no job " + providerJobId);
        }
        Instant now = Instant.now();
        if (now.isBefore(job.get().readyAt())) {
            Duration left = Duration.between(now, job.get().readyAt());
            long total = Math.max(1, Duration.between(job.get().createdAt(), job.get().readyAt()).toMillis());
            int progress = (int) (100 - left.toMillis() * 100 / total);
            return new RemoteStatus.Running(progress, min(left, MAX_POLL));
        }
        return new RemoteStatus.Succeeded();
    }

    @Override
    public InputStream download(String providerJobId) throws ProviderException {
        LocalJob job = read(providerJobId).orElseThrow(() -> ProviderException.refused(FailureKind.PROVIDER_ERROR,
                "local provider has no job " + providerJobId));
        boolean defective = defect.isPresent() && defect.get().matcher(job.prompt()).find();
        Path result = shared
                ? results.resolve("shared-" + job.width() + "x" + job.height() + "-" + job.seconds() + "s"
                        + (defective ? "-defective" : "") + ".mp4")
                : results.resolve(job.id() + ".mp4");
        try {
            if (!Files.exists(result)) {
                Path tmp = Files.createTempFile(results, job.id(), ".part");
                try {
                    FrameSize size = new FrameSize(job.width(), job.height());
                    if (shared) {
                        renderer.render("Shared preview", size, job.seconds(), tmp, defective, SHARED_VIDEO_BITRATE);
                    } else {
                        BufferedImage first = job.firstFrame() ? Frames.read(jobs.resolve(job.id() + ".png")) : null;
                        renderer.render(new PreviewRenderer.Roll(job.prompt(), job.seed(), first, defective), size,
                                job.seconds(), tmp, size.width() * size.height() * 2);
                    }
                    Files.move(tmp, result, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return Files.newInputStream(result);
        } catch (IOException e) {
            throw ProviderException.retryLater(Duration.ofSeconds(1), "local render failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void afterLanding(String providerJobId) {
        if (shared) {
            return;
        }
        try {
            Files.deleteIfExists(results.resolve(providerJobId + ".mp4"));
            Files.deleteIfExists(jobs.resolve(providerJobId + ".png"));
        } catch (IOException e) {
            LOG.warnf("local provider: could not remove the landed result of %s: %s", providerJobId, e.getMessage());
        }
    }

    /** Every create call this provider has accepted, oldest first. */
    public List<LocalJob> jobs() {
        List<LocalJob> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(jobs)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".json"))::iterator) {
                all.add(json.readValue(file.toFile(), LocalJob.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local provider's spool", e);
        }
        all.sort(java.util.Comparator.comparing(LocalJob::createdAt));
        return all;
    }

    private Optional<LocalJob> read(String providerJobId) throws ProviderException {
        if (!providerJobId.matches("local_[0-9a-f-]{36}")) {
            return Optional.empty();
        }
        Path file = jobs.resolve(providerJobId + ".json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), LocalJob.class));
        } catch (IOException e) {
            throw ProviderException.retryLater(Duration.ofSeconds(1), "local spool unreadable: " + e.getMessage(), e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
