package io.reelflow.review;

import java.time.OffsetDateTime;
import java.util.List;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.reelflow.campaign.Shot;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/**
 * A review decision as received, with what became of it; unique by team and decision id, so redeliveries are
 * no-ops and one team's ids (applied or refused) never stand in the way of another's.
 */
@Entity
@Table(name = "review_decision")
public class ReviewDecision extends PanacheEntityBase {

    /** What became of a decision. */
    public enum Outcome {
        APPLIED,
        REFUSED
    }

    @Id
    @GeneratedValue(generator = "review_decision_seq")
    @SequenceGenerator(name = "review_decision_seq", sequenceName = "review_decision_seq", allocationSize = 50)
    public Long id;
    public String decisionId;
    public String team;
    public String batchKey;
    public String shotKey;
    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "shot_id")
    public Shot shot;
    public Integer revision;
    /** {@code draft} or {@code final}: which of the shot's videos was judged. */
    public String stage;
    /** The second of the approved draft its final starts from. */
    public Double fromSecond;
    /** Whether a revision keeps the draft's seed. */
    public Boolean keepSeed;
    public String decision;
    public String revisedPrompt;
    public String reviewer;
    public String note;
    @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
    public Outcome outcome;
    public String reasons;
    public String payload;
    public OffsetDateTime decidedAt;

    /** Whether {@code team} (null: a message whose team is unknown) has sent decision {@code decisionId} before. */
    public static boolean seen(String team, String decisionId) {
        return team == null ? count("team is null and decisionId = ?1", decisionId) > 0
                : count("team = ?1 and decisionId = ?2", team, decisionId) > 0;
    }

    /** The decisions applied to the shots of a batch, oldest first, in one query. */
    public static List<ReviewDecision> appliedInBatch(io.reelflow.campaign.Batch batch) {
        return list("shot.batch = ?1 and outcome = ?2 order by decidedAt, id", batch, Outcome.APPLIED);
    }
}
