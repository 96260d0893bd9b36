package io.reelflow.campaign;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.reelflow.media.AspectRatio;
import io.reelflow.media.Captions;
import io.reelflow.media.Deliverables;
import io.reelflow.media.MasterPlan;
import io.reelflow.media.Placement;
import io.reelflow.persistence.JsonColumn;
import jakarta.persistence.Column;
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

/** One prompt of a batch; it gets a draft per revision, a final per master, and a file per placement. */
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
        /** The signed-off masters are being cut into the shot's placements. */
        DELIVERING,
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
    /** The placements the shot is delivered for (JSON, as validated at intake); null when none. */
    public String deliverables;
    /** The point kept when a placement crops the picture (fractions from the top left); null: the centre. */
    @Column(name = "focus_x")
    public Double focusX;
    @Column(name = "focus_y")
    public Double focusY;
    /** The shot's caption lines (JSON); null when none. */
    public String captions;

    public AspectRatio aspect() {
        return AspectRatio.parse(aspectRatio).orElseThrow();
    }

    public List<Placement> placements() {
        return deliverables == null ? List.of()
                : JsonColumn.read(deliverables, new TypeReference<List<Placement>>() { });
    }

    public List<Captions.Cue> cues() {
        return captions == null ? List.of() : JsonColumn.read(captions, new TypeReference<List<Captions.Cue>>() { });
    }

    public Deliverables.Focus focus() {
        return focusX == null ? Deliverables.Focus.CENTRE : new Deliverables.Focus(focusX, focusY);
    }

    /** The finals the shot pays for once approved: one per orientation its placements need, its own first. */
    public List<AspectRatio> masters() {
        return MasterPlan.masters(aspect(), placements());
    }

    /** Sets the delivery parts of the shot from its request. */
    public void deliver(List<Placement> placements, Deliverables.Focus focus, List<Captions.Cue> cues) {
        deliverables = placements.isEmpty() ? null : JsonColumn.write(placements);
        focusX = focus == null ? null : focus.x();
        focusY = focus == null ? null : focus.y();
        captions = cues.isEmpty() ? null : JsonColumn.write(cues);
    }

    public static java.util.Optional<Shot> find(String team, String batchKey, String shotKey) {
        return find("batch.team = ?1 and batch.batchKey = ?2 and shotKey = ?3", team, batchKey, shotKey)
                .firstResultOptional();
    }

    public static List<Shot> ofBatch(Batch batch) {
        return list("batch = ?1 order by position", batch);
    }
}
