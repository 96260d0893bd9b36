package io.reelflow.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.reelflow.background.AheadWork;
import io.reelflow.media.FrameSize;
import io.reelflow.persistence.AfterCommit;
import io.reelflow.provider.ModelCatalog;
import io.reelflow.provider.RenderRequest;
import io.reelflow.storage.ResultLanding;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * A final's start frame: the approved draft's picture fitted to the frame the create call asks for, stored at the
 * final's start-frame key the first time and read from there afterwards, so every call sends the same picture.
 *
 * <p>Every new final has its start frame made ahead on two threads of the replica that took the decision, unless a
 * worker holds the final by the time a thread comes to it: a final that waits (behind its model's cap, or for a
 * worker) finds its picture stored when it is claimed, and its create step only reads it back. A final claimed at
 * once makes its own: the threads here start on a final half a second after its decision. A create step that
 * comes to a picture still queued here makes it itself (without looking for it in storage: nobody has made it), and
 * so does one whose picture is being made here right now
 * (rather than wait on a thread below its priority; both store the same bytes). Made ahead or not (the queue was
 * full, the replica stopped, another replica claimed the final), the create step makes what is missing; the picture
 * is the same either way.
 */
@ApplicationScoped
public class StartFrames {

    private static final Logger LOG = Logger.getLogger(StartFrames.class);
    /**
     * Finals waiting for a start frame made ahead, beyond which the create step makes its own. An id each, so the
     * bound is about a burst of approvals (a thousand in a minute fills a queue of hundreds, and the finals beyond
     * it would make their pictures in the create step, on the promotion path), not about memory.
     */
    static final int AHEAD_QUEUE = 10_000;
    /**
     * How long after its decision a final's picture is left to a worker that claims the final at once (a free slot
     * and an idle worker): its create step makes it at the normal priority, and the threads here, below that
     * priority, are kept for finals that wait.
     */
    static final Duration AHEAD_GRACE = Duration.ofMillis(500);

    private final ResultLanding landing;
    private final ModelCatalog catalog;
    private final JobQueries queries;
    private final AfterCommit afterCommit;
    /**
     * Below decisions and create calls, above landings. Two threads: a burst of approvals (twenty a second) needs
     * more than one thread's pictures a second, or the finals claimed first overtake the queue.
     */
    private final AheadWork<UUID> ahead = new AheadWork<>("start-frames", 2, AHEAD_QUEUE, AHEAD_GRACE);

    public StartFrames(ResultLanding landing, ModelCatalog catalog, JobQueries queries, AfterCommit afterCommit) {
        this.landing = landing;
        this.catalog = catalog;
        this.queries = queries;
        this.afterCommit = afterCommit;
    }

    void start(@Observes StartupEvent event) {
        ahead.queue(UUID.randomUUID(), () -> {
            try {
                landing.warmStartFrames(new FrameSize(1792, 1024));
            } catch (IOException | RuntimeException e) {
                LOG.debugf("start frames not warmed up: %s", e.toString());
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        ahead.close();
    }

    /** The start frame of final {@code job} for {@code request}, as a work file the caller deletes. */
    public Path picture(JobView job, RenderRequest request) throws IOException {
        return switch (ahead.takeOver(job.id())) {
            // Queued here at the decision and not started: nobody has made it, so it is made without looking for
            // it in storage first (a retry of the step finds it there).
            case TAKEN -> make(job, request, false);
            case RUNNING -> {
                LOG.debugf("%s: start frame being made ahead; made here too, at the create step's priority",
                        job.label());
                yield make(job, request, true);
            }
            // Made ahead (by this replica, or by an earlier attempt of the step) or never queued here.
            case NONE -> make(job, request, true);
        };
    }

    /** Once the current transaction commits, queues the start frames of {@code finals} to be made ahead. */
    @Transactional(TxType.MANDATORY)
    public void aheadOf(List<Job> finals) {
        List<UUID> ids = finals.stream().filter(j -> j.startFrameKey != null && "carried".equals(j.look))
                .map(j -> j.id).toList();
        if (!ids.isEmpty()) {
            afterCommit.run(() -> ids.forEach(id -> ahead.queue(id, () -> makeAhead(id))));
        }
    }

    /** The start frame, looked for in storage first when {@code lookFirst}. */
    private Path make(JobView job, RenderRequest request, boolean lookFirst) throws IOException {
        JobView.StartFrame start = job.startFrom();
        FrameSize frame = new FrameSize(request.width(), request.height());
        return lookFirst ? landing.startFrame(start.draftKey(), start.second(), start.frameKey(), frame, start.focus())
                : landing.newStartFrame(start.draftKey(), start.second(), start.frameKey(), frame, start.focus());
    }

    private void makeAhead(UUID id) {
        try {
            // A final that a worker holds already has its picture made by that worker's create step.
            Optional<JobView> waiting = queries.waitingUnclaimed(id);
            if (waiting.isEmpty() || waiting.get().segmentIndex() > 0 || waiting.get().startFrom() == null
                    || !waiting.get().startFrom().carried()) {
                return;
            }
            JobView job = waiting.get();
            Files.deleteIfExists(make(job, catalog.forCall(job.request(), job.segmentIndex()), true));
        } catch (IOException | RuntimeException e) {
            LOG.debugf("start frame of job %s not made ahead (its create step makes it): %s", id, e.toString());
        }
    }
}
