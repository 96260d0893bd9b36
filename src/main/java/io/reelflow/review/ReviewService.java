package io.reelflow.review;

import java.time.OffsetDateTime;
import java.util.List;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.campaign.Batch;
import io.reelflow.campaign.BatchChanges;
import io.reelflow.campaign.Shot;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.delivery.Delivery;
import io.reelflow.job.Job;
import io.reelflow.job.JobFactory;
import io.reelflow.job.Stage;
import io.reelflow.library.PromptLibrary;
import io.reelflow.messaging.Rejected;
import io.reelflow.messaging.VideoEvent;
import io.reelflow.outbox.Outbox;
import io.reelflow.validation.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * Applies review decisions to shots, each in one transaction: approve creates the finals (one per master the
 * shot's placements need), revise the next draft revision, reject closes the shot; on finals awaiting sign-off,
 * approve sends the shot to delivery and reject makes the finals again (at most
 * {@code reelflow.review.final-retakes} times) or closes the shot. A decision that does not fit the shot's state is refused and
 * answered on {@code draft-reviews-rejected}; a decision id the team has sent before changes nothing (ids are
 * the team's own: another team's ids, applied or refused, are never in the way).
 */
@ApplicationScoped
public class ReviewService {

    private static final Logger LOG = Logger.getLogger(ReviewService.class);

    /** What became of a decision message. */
    public enum Outcome {
        APPLIED,
        REFUSED,
        DUPLICATE
    }

    private final JobFactory jobs;
    private final Outbox outbox;
    private final BatchChanges changes;
    private final PromptLibrary library;
    private final ObjectMapper json;
    private final Delivery delivery;
    private final int retakes;

    public ReviewService(JobFactory jobs, Outbox outbox, BatchChanges changes, PromptLibrary library,
            ObjectMapper json, Delivery delivery, ReelflowConfig config) {
        this.delivery = delivery;
        this.retakes = config.review().finalRetakes();
        this.jobs = jobs;
        this.outbox = outbox;
        this.changes = changes;
        this.library = library;
        this.json = json;
    }

    @Transactional
    public Outcome apply(Decision d, String payload) {
        if (ReviewDecision.seen(d.team(), d.decisionId())) {
            LOG.infof("decision %s on %s received again; nothing to do", d.decisionId(), d.shotKey());
            return Outcome.DUPLICATE;
        }
        Shot shot = Shot.find(d.team(), d.batchId(), d.shotId())
                .filter(s -> s.batch.campaign.equals(d.campaign()))
                .orElse(null);
        if (shot == null) {
            return refuse(d, null, payload, List.of(new Violation("shotId", "unknown shot: team '" + d.team()
                    + "' has no shot '" + d.shotId() + "' in batch '" + d.batchId() + "' of campaign '"
                    + d.campaign() + "'")));
        }
        // Lock and re-read: a landing may have changed the shot since it was found.
        Shot.getEntityManager().refresh(shot, LockModeType.PESSIMISTIC_WRITE);
        List<Violation> problems = DecisionFit.problems(shot, d);
        if (!problems.isEmpty()) {
            return refuse(d, shot, payload, problems);
        }
        if (!d.onFinal() && d.kind() != Decision.Kind.REJECT) {
            List<String> cannot = jobs.cannotMake(shot, d.kind() == Decision.Kind.APPROVE ? Stage.FINAL : Stage.DRAFT);
            if (!cannot.isEmpty()) {
                return refuse(d, shot, payload, cannot.stream().map(r -> new Violation("decision", r)).toList());
            }
        }
        record(d, shot, payload, ReviewDecision.Outcome.APPLIED, null);
        Job draft = Job.of(shot, Stage.DRAFT, d.revision()).orElseThrow();
        if (d.onFinal()) {
            signOff(shot, d);
        } else {
            switch (d.kind()) {
                case APPROVE -> approve(shot, draft, d);
                case REJECT -> changes.close(shot, Shot.State.REJECTED);
                case REVISE -> revise(shot, draft, d);
            }
        }
        shot.updatedAt = OffsetDateTime.now();
        Batch batch = shot.batch;
        changes.touched(batch);
        outbox.append(new VideoEvent.ShotReviewed(batch.team, batch.campaign, batch.batchKey, shot.shotKey,
                d.revision(), d.decisionId(), d.kind().wireName(), d.reviewer(), d.note(), shot.state.name()));
        LOG.infof("%s revision %d: %s by %s; shot is now %s", d.shotKey(), d.revision(), d.kind().wireName(),
                d.reviewer(), shot.state);
        return Outcome.APPLIED;
    }

    /** Records and answers a message that could not be read as a decision at all. */
    @Transactional
    public Outcome refuse(String decisionId, String team, List<Violation> reasons, String payload) {
        if (ReviewDecision.seen(team, decisionId)) {
            return Outcome.DUPLICATE;
        }
        return refuse(new Decision(decisionId, team, null, null, null, 0, null, null, null, null, null, null, null),
                null, payload, reasons);
    }

    private void approve(Shot shot, Job draft, Decision d) {
        shot.state = Shot.State.FINALIZING;
        jobs.finals(shot, draft, d.reviewer(), d.fromSecond() == null ? 0 : d.fromSecond());
        library.add(shot, draft, d.reviewer());
    }

    /**
     * A person's sign-off of the latest masters: approve sends the shot to delivery; reject retakes every master
     * while retakes remain.
     */
    private void signOff(Shot shot, Decision d) {
        if (d.kind() == Decision.Kind.APPROVE) {
            delivery.start(shot);
            return;
        }
        List<Job> rejected = Job.latestFinals(shot);
        if (rejected.stream().allMatch(j -> j.take <= retakes)) {
            rejected.forEach(j -> jobs.retake(shot, j, d.reviewer()));
            shot.state = Shot.State.FINALIZING;
        } else {
            changes.close(shot, Shot.State.REJECTED);
        }
    }

    private void revise(Shot shot, Job draft, Decision d) {
        int next = shot.currentRevision + 1;
        jobs.draft(shot, next, d.revisedPrompt(), shot.currentRevision, d.reviewer(), d.note(),
                Boolean.TRUE.equals(d.keepSeed()) ? draft.seed : null);
        shot.currentRevision = next;
        shot.state = Shot.State.DRAFTING;
        changes.drafts(shot.batch, 1);
    }

    private Outcome refuse(Decision d, Shot shot, String payload, List<Violation> reasons) {
        record(d, shot, payload, ReviewDecision.Outcome.REFUSED, reasons);
        outbox.append(new Rejected.DecisionRejected(d.decisionId(), d.team(), d.campaign(), d.batchId(), d.shotId(),
                d.revision() == 0 ? null : d.revision(), reasons, payload));
        LOG.infof("decision %s refused: %s", d.decisionId(), reasons);
        return Outcome.REFUSED;
    }

    private void record(Decision d, Shot shot, String payload, ReviewDecision.Outcome outcome,
            List<Violation> reasons) {
        ReviewDecision r = new ReviewDecision();
        r.decisionId = d.decisionId();
        r.team = d.team();
        r.batchKey = d.batchId();
        r.shotKey = d.shotId();
        r.shot = shot;
        r.revision = d.revision() == 0 ? null : d.revision();
        r.stage = d.team() == null ? null : d.onFinal() ? "final" : "draft";
        r.fromSecond = d.fromSecond();
        r.keepSeed = d.keepSeed();
        r.decision = d.kind() == null ? null : d.kind().wireName();
        r.revisedPrompt = d.revisedPrompt();
        r.reviewer = d.reviewer();
        r.note = d.note();
        r.outcome = outcome;
        r.payload = payload;
        r.decidedAt = OffsetDateTime.now();
        try {
            r.reasons = reasons == null ? null : json.writeValueAsString(reasons);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reasons cannot be written as JSON", e);
        }
        r.persist();
    }
}
