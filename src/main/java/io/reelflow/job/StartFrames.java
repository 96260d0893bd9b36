package io.reelflow.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.reelflow.background.MediaThreads;
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
 * <p>A final that will wait behind its model's cap has its start frame made while it waits, by one thread of this
 * replica, so that when a slot frees the create step only reads the stored picture. Made ahead or not (the queue
 * was full, the replica stopped, the slot was free at once), the create step makes what is missing; the picture is
 * the same either way.
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

    private final ResultLanding landing;
    private final ModelCatalog catalog;
    private final JobQueries queries;
    private final ModelSlots slots;
    private final AfterCommit afterCommit;
    /** Below decisions and create calls, above landings: the finals it works for wait behind a cap anyway. */
    private final ThreadPoolExecutor ahead = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(AHEAD_QUEUE), r -> MediaThreads.ahead("start-frames", r),
            new ThreadPoolExecutor.DiscardPolicy());

    public StartFrames(ResultLanding landing, ModelCatalog catalog, JobQueries queries, ModelSlots slots,
            AfterCommit afterCommit) {
        this.landing = landing;
        this.catalog = catalog;
        this.queries = queries;
        this.slots = slots;
        this.afterCommit = afterCommit;
    }

    void stop(@Observes ShutdownEvent event) {
        ahead.shutdownNow();
    }

    /** The start frame of final {@code job} for {@code request}, as a work file the caller deletes. */
    public Path picture(JobView job, RenderRequest request) throws IOException {
        JobView.StartFrame start = job.startFrom();
        return landing.startFrame(start.draftKey(), start.second(), start.frameKey(),
                new FrameSize(request.width(), request.height()), start.focus());
    }

    /** Once the current transaction commits, makes the start frames of those of {@code finals} that must wait. */
    @Transactional(TxType.MANDATORY)
    public void aheadOf(List<Job> finals) {
        List<UUID> ids = finals.stream().filter(j -> j.startFrameKey != null && "carried".equals(j.look))
                .map(j -> j.id).toList();
        if (!ids.isEmpty()) {
            afterCommit.run(() -> ids.forEach(id -> ahead.execute(() -> makeAhead(id))));
        }
    }

    private void makeAhead(UUID id) {
        try {
            JobView job = queries.view(id);
            if (!JobState.WAITING.contains(job.state()) || job.segmentIndex() > 0 || job.startFrom() == null
                    || !job.startFrom().carried()) {
                return;
            }
            RenderRequest request = catalog.forCall(job.request(), job.segmentIndex());
            // A model with a free slot has the job claimed at once: its create step makes the picture itself.
            if (!QuarkusTransaction.requiringNew().call(slots::fullModels).contains(request.model())) {
                return;
            }
            Files.deleteIfExists(picture(job, request));
        } catch (IOException | RuntimeException e) {
            LOG.debugf("start frame of job %s not made ahead (its create step makes it): %s", id, e.toString());
        }
    }
}
