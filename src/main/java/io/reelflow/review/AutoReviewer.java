package io.reelflow.review;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.reelflow.job.Job;
import io.reelflow.messaging.Topics;
import io.reelflow.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * The automatic reviewers. When a draft lands on a shot whose policy is {@code auto-qc} or
 * {@code approve-all}, a decision is published on {@code draft-reviews} in the landing's transaction, in the
 * same format a person would send; it is applied when it comes back through the review consumer.
 */
@ApplicationScoped
public class AutoReviewer {

    private static final Logger LOG = Logger.getLogger(AutoReviewer.class);

    private final Outbox outbox;

    public AutoReviewer(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Decides on a landed draft; {@code qcFailures} are the failed checks (null when none were run). */
    @Transactional(TxType.MANDATORY)
    public void review(Job draft, List<String> qcFailures) {
        ReviewPolicy policy = ReviewPolicy.parse(draft.shot.reviewPolicy).orElse(ReviewPolicy.MANUAL);
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
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("decisionId", policy.wireName() + ":" + draft.id);
        decision.put("team", draft.shot.batch.team);
        decision.put("campaign", draft.shot.batch.campaign);
        decision.put("batchId", draft.shot.batch.batchKey);
        decision.put("shotId", draft.shot.shotKey);
        decision.put("revision", draft.revision);
        decision.put("decision", kind.wireName());
        decision.put("reviewer", policy.wireName());
        decision.put("note", note);
        String key = draft.shot.batch.team + "/" + draft.shot.batch.batchKey + "/" + draft.shot.shotKey;
        outbox.appendMessage(Topics.DRAFT_REVIEWS, key, "ReviewDecision", decision);
        LOG.infof("%s revision %d: %s decides %s (%s)", key, draft.revision, policy.wireName(), kind.wireName(),
                note);
    }
}
