package io.reelflow.campaign;

import java.time.OffsetDateTime;
import java.util.List;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** One prompt of a batch; it gets a draft per revision and at most one final. */
@Entity
@Table(name = "shot")
public class Shot extends PanacheEntityBase {

    /** Where a shot is in the draft-review-final flow. */
    public enum State {
        DRAFTING,
        AWAITING_REVIEW,
        FINALIZING,
        /** The final landed and waits for a person's sign-off. */
        AWAITING_FINAL_REVIEW,
        DELIVERED,
        REJECTED,
        FAILED;

        /** A closed shot takes no more decisions. */
        public boolean closed() {
            return this == DELIVERED || this == REJECTED || this == FAILED;
        }
    }

    @Id
    @GeneratedValue(generator = "shot_seq")
    @SequenceGenerator(name = "shot_seq", sequenceName = "shot_seq", allocationSize = 50)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "batch_id")
    public Batch batch;

    public String shotKey;
    public int position;
    public String prompt;
    public String aspectRatio;
    public String referenceImageUrl;
    /** {@code crop}: fit the reference image to the frame; {@code strict}: refuse one of another aspect ratio. */
    public String referenceImageFit = "crop";
    @Enumerated(EnumType.STRING)
    public State state;
    public String reviewPolicy;
    public int currentRevision;
    public OffsetDateTime updatedAt;
    public OffsetDateTime closedAt;
    /**
     * Sign-off of the shot's final: {@code none} (a landed final delivers the shot), {@code manual} (a person
     * approves or rejects it) or {@code auto} (a final unlike its approved draft is made again once).
     */
    public String finalReview = "none";

    public static java.util.Optional<Shot> find(String team, String batchKey, String shotKey) {
        return find("batch.team = ?1 and batch.batchKey = ?2 and shotKey = ?3", team, batchKey, shotKey)
                .firstResultOptional();
    }

    public static List<Shot> ofBatch(Batch batch) {
        return list("batch = ?1 order by position", batch);
    }
}
