package io.reelflow.campaign;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.hibernate.orm.panache.Panache;

/**
 * Changes to a batch's open drafts and open shots, appended by the transactions that make them and folded
 * into the batch row by the manifest writer. Appending never waits on another transaction, so hundreds of
 * landings of one batch commit side by side instead of queueing on the batch row.
 */
public final class BatchChanges {

    /** Open drafts and open shots not yet folded into a batch row. */
    public record Pending(int drafts, int shots) {
        public static final Pending NONE = new Pending(0, 0);
    }

    private BatchChanges() {
    }

    /** Records a change (both deltas zero: only the manifest is out of date) in the current transaction. */
    public static void record(long batchId, int draftsDelta, int shotsDelta) {
        Panache.getEntityManager().createNativeQuery(
                "insert into batch_change (batch_id, drafts_delta, shots_delta) values (?1, ?2, ?3)")
                .setParameter(1, batchId).setParameter(2, draftsDelta).setParameter(3, shotsDelta).executeUpdate();
    }

    /** Changes of {@code batchIds} not yet folded in. */
    public static Map<Long, Pending> pending(Collection<Long> batchIds) {
        Map<Long, Pending> pending = new HashMap<>();
        if (batchIds.isEmpty()) {
            return pending;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = Panache.getEntityManager().createNativeQuery("select batch_id, sum(drafts_delta),"
                + " sum(shots_delta) from batch_change where batch_id = any(?1) group by batch_id")
                .setParameter(1, batchIds.toArray(Long[]::new)).getResultList();
        for (Object[] row : rows) {
            pending.put(((Number) row[0]).longValue(),
                    new Pending(((Number) row[1]).intValue(), ((Number) row[2]).intValue()));
        }
        return pending;
    }

    public static Pending pending(long batchId) {
        return pending(List.of(batchId)).getOrDefault(batchId, Pending.NONE);
    }

    /**
     * Folds every committed change of {@code batch} into its row (which the caller holds locked) and removes
     * them; true when there were any.
     */
    public static boolean fold(Batch batch) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = Panache.getEntityManager().createNativeQuery("delete from batch_change"
                + " where batch_id = ?1 returning drafts_delta, shots_delta")
                .setParameter(1, batch.id).getResultList();
        for (Object[] row : rows) {
            batch.draftsOpen += ((Number) row[0]).intValue();
            batch.shotsOpen += ((Number) row[1]).intValue();
        }
        return !rows.isEmpty();
    }
}
