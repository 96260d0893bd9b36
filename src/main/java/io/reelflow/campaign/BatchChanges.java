package io.reelflow.campaign;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * Changes to a batch's open drafts and open shots, appended by the transactions that make them and folded
 * into the batch row by the batch lifecycle. Appending never waits on another transaction, so hundreds of
 * landings of one batch commit side by side instead of queueing on the batch row. Every change fires a
 * {@link Changed} event, so the lifecycle can look at the batch once the change commits.
 */
@ApplicationScoped
public class BatchChanges {

    /** Counts of open drafts and open shots. */
    public record Pending(int drafts, int shots) {
    }

    /** A change to batch {@code batchId} was recorded in the current transaction. */
    public record Changed(long batchId) {
    }

    private final EntityManager em;
    private final Event<Changed> changed;

    public BatchChanges(EntityManager em, Event<Changed> changed) {
        this.em = em;
        this.changed = changed;
    }

    /** A draft of the batch was opened (a revision) or closed (landed or failed). */
    @Transactional(TxType.MANDATORY)
    public void drafts(Batch batch, int delta) {
        record(batch.id, delta, 0);
    }

    /** Closes a shot for good; when it was the batch's last open shot, the batch is delivered. */
    @Transactional(TxType.MANDATORY)
    public void close(Shot shot, Shot.State state) {
        shot.state = state;
        shot.closedAt = OffsetDateTime.now();
        shot.updatedAt = shot.closedAt;
        record(shot.batch.id, 0, -1);
    }

    /** Something in the batch changed that its manifest shows (a decision, a landing). */
    @Transactional(TxType.MANDATORY)
    public void touched(Batch batch) {
        record(batch.id, 0, 0);
    }

    private void record(long batchId, int draftsDelta, int shotsDelta) {
        em.createNativeQuery("insert into batch_change (batch_id, drafts_delta, shots_delta) values (?1, ?2, ?3)")
                .setParameter(1, batchId).setParameter(2, draftsDelta).setParameter(3, shotsDelta).executeUpdate();
        changed.fire(new Changed(batchId));
    }

    /**
     * The open drafts and open shots of {@code batchIds} as of now: each batch row with the changes not yet folded
     * into it, read in one statement, so a fold committing meanwhile is seen either entirely or not at all.
     */
    @Transactional(TxType.MANDATORY)
    public Map<Long, Pending> open(Collection<Long> batchIds) {
        Map<Long, Pending> open = new HashMap<>();
        if (batchIds.isEmpty()) {
            return open;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select b.id, b.drafts_open + coalesce(sum(c.drafts_delta), 0),"
                + " b.shots_open + coalesce(sum(c.shots_delta), 0) from batch b left join batch_change c"
                + " on c.batch_id = b.id where b.id = any(?1) group by b.id")
                .setParameter(1, batchIds.toArray(Long[]::new)).getResultList();
        for (Object[] row : rows) {
            open.put(((Number) row[0]).longValue(),
                    new Pending(((Number) row[1]).intValue(), ((Number) row[2]).intValue()));
        }
        return open;
    }

    /**
     * Up to {@code limit} batches with changes not folded in, or with an out-of-date manifest written longer than
     * {@code manifestPace} per started {@code shotsPerPace} shots ago, locked for the caller (others skip them). NO KEY UPDATE: landings appending
     * changes (a key share on the batch) never wait for it.
     */
    @Transactional(TxType.MANDATORY)
    public List<Batch> takeChanged(int limit, Duration manifestPace, int shotsPerPace) {
        @SuppressWarnings("unchecked")
        List<Batch> batches = em.createNativeQuery("select * from batch where (manifest_dirty and"
                + " (manifest_written_at is null or manifest_written_at < now() - make_interval(secs => :pace"
                + " * greatest(1, ceil(shot_count / :shots)))))"
                + " or id in (select batch_id from batch_change) order by id limit :n for no key update skip locked",
                Batch.class).setParameter("n", limit).setParameter("pace", manifestPace.toMillis() / 1000.0)
                .setParameter("shots", (double) shotsPerPace).getResultList();
        return batches;
    }

    /**
     * Folds every committed change of {@code batch} into its row (which the caller holds locked) and removes
     * them; true when there were any.
     */
    @Transactional(TxType.MANDATORY)
    public boolean fold(Batch batch) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("delete from batch_change where batch_id = ?1"
                + " returning drafts_delta, shots_delta").setParameter(1, batch.id).getResultList();
        for (Object[] row : rows) {
            batch.draftsOpen += ((Number) row[0]).intValue();
            batch.shotsOpen += ((Number) row[1]).intValue();
        }
        return !rows.isEmpty();
    }
}
