package io.reelflow.review;

import java.util.List;

import org.jboss.logging.Logger;

import io.reelflow.campaign.Shot;
import io.reelflow.job.Job;
import io.reelflow.job.JobEvent;
import io.reelflow.job.Stage;
import io.reelflow.outbox.Outbox;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The automatic reviewers. When a draft lands on a shot whose policy is {@code auto-qc} or
 * {@code approve-all}, a decision is published on {@code draft-reviews} in the landing's transaction, in the
 * same format a person would send; it is applied when it comes back through the review consumer.
 */
@ApplicationScoped
public class AutoReviewer {

    private static final Logger LOG = Logger.getLogger(AutoReviewer.class);
    /** After the shot's own progress is recorded. */
    private static final int LATER = 200;

    private final Outbox outbox;

    public AutoReviewer(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Decides on a landed draft (after its shot's state is settled); finals are not reviewed here. */
    void landed(@Observes @Priority(LATER) JobEvent.Landed landed) {
        if (landed.job().stage == Stage.DRAFT) {
            review(landed.job(), landed.qcFailures());
        }
    }

    /** Decides on a landed draft; {@code qcFailures} are the failed checks (null when none were run). */
    private void review(Job draft, List<String> qcFailures) {
        Shot shot = draft.shot;
        ReviewPolicy policy = ReviewPolicy.parse(shot.reviewPolicy).orElse(ReviewPolicy.MANUAL);
        if (policy == ReviewPolicy.MANUAL) {
            return;
        }
        Decision.Kind kind;
        String note;
        if (policy == ReviewPolicy.APPROVE_ALL) {
            kind = Decision.Kind.APPROVE;
            note = "approved by the approve-all policy";
        } else if (qcFailures == null || qcFailures.isEmpty()) {
            kind = Decision.Kind.APPROVE;
            note = "passed automatic quality checks: duration, frame size, audio, picture";
        } else {
            kind = Decision.Kind.REJECT;
            note = "failed automatic quality checks: " + String.join("; ", qcFailures);
        }
        Decision decision = new Decision(policy.wireName() + ":" + draft.id, shot.batch.team, shot.batch.campaign,
                shot.batch.batchKey, shot.shotKey, draft.revision, kind, null, policy.wireName(), note, null, null, null);
        outbox.append(decision);
        LOG.infof("%s revision %d: %s decides %s (%s)", decision.shotKey(), draft.revision, policy.wireName(),
                kind.wireName(), note);
    }
}
