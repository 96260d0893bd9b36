package io.reelflow.spend;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.FrameSize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * The spend ledger and the budgets it is checked against. A create call first reserves its price in the
 * transaction that records {@code SUBMITTING}; the reservation is refused when committed spend (reserved plus
 * charged) would pass the campaign's or the team's budget. Reservations of one team are serialised with a
 * transaction-level advisory lock, so replicas cannot together overspend. A campaign's budget is set under an
 * exclusive lock of the campaign that every reservation of the campaign takes shared before it reads the budget:
 * a reservation never decides on a budget that is being set (it waits for it), and a budget, once committed, has
 * every reservation made before it counted.
 */
@ApplicationScoped
public class Budgets {

    private final EntityManager em;
    private final Pricing pricing;
    private final ReelflowConfig config;

    public Budgets(EntityManager em, Pricing pricing, ReelflowConfig config) {
        this.em = em;
        this.pricing = pricing;
        this.config = config;
    }

    /** Sets a campaign's budget (the latest batch that names one wins: raising it releases held jobs). */
    @Transactional(TxType.MANDATORY)
    public void setCampaignBudget(String team, String campaign, BigDecimal limit) {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext(?1))").setParameter(1, campaignLock(team, campaign))
                .getSingleResult();
        em.createNativeQuery("insert into campaign_budget (team, campaign, limit_usd) values (?1, ?2, ?3)"
                + " on conflict (team, campaign) do update set limit_usd = excluded.limit_usd, updated_at = now()")
                .setParameter(1, team).setParameter(2, campaign).setParameter(3, limit).executeUpdate();
    }

    /**
     * Reserves the price of the job's current call, or says why it must wait. Idempotent per call: a
     * reservation already held is kept.
     */
    @Transactional(TxType.MANDATORY)
    public Optional<String> reserve(SpendCall call, int callSeconds) {
        String team = call.team();
        String campaign = call.campaign();
        em.createNativeQuery("select pg_advisory_xact_lock_shared(hashtext(?1))")
                .setParameter(1, campaignLock(team, campaign)).getSingleResult();
        Optional<BigDecimal> campaignLimit = campaignLimit(team, campaign);
        Optional<BigDecimal> teamLimit = Optional.ofNullable(config.budgets().teams().get(team));
        if (campaignLimit.isPresent() || teamLimit.isPresent()) {
            // Only a limit needs the team's reservations in order; without one, nothing is summed or waited for.
            em.createNativeQuery("select pg_advisory_xact_lock(hashtext(?1))").setParameter(1, "spend:" + team)
                    .getSingleResult();
        }
        Object held = em.createNativeQuery("select state from spend_ledger where job_id = ?1 and segment_index = ?2")
                .setParameter(1, call.jobId()).setParameter(2, call.segmentIndex()).getResultStream().findFirst().orElse(null);
        if ("reserved".equals(held) || "charged".equals(held)) {
            return Optional.empty();
        }
        BigDecimal price = pricing.call(call.model(), callSeconds, call.frame());
        Optional<String> over = campaignLimit.isEmpty() ? Optional.empty() : over("campaign '" + campaign + "'",
                campaignLimit, committed("team = ?1 and campaign = ?2", team, campaign), price);
        if (over.isEmpty() && teamLimit.isPresent()) {
            over = over("team '" + team + "'", teamLimit, committed("team = ?1", team, null), price);
        }
        if (over.isPresent()) {
            return over;
        }
        em.createNativeQuery("insert into spend_ledger (job_id, segment_index, team, campaign, batch_key, model,"
                + " provider, seconds, reserved_usd, state) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'reserved')"
                + " on conflict (job_id, segment_index) do update set state = 'reserved', model = excluded.model,"
                + " provider = excluded.provider, seconds = excluded.seconds, reserved_usd = excluded.reserved_usd,"
                + " updated_at = now()")
                .setParameter(1, call.jobId()).setParameter(2, call.segmentIndex()).setParameter(3, team)
                .setParameter(4, campaign).setParameter(5, call.batchKey()).setParameter(6, call.model())
                .setParameter(7, call.provider()).setParameter(8, callSeconds).setParameter(9, price).executeUpdate();
        return Optional.empty();
    }

    /** What a provider delivered for one call, as probed: its length and frame size. */
    public record Delivered(double seconds, FrameSize size) {
    }

    /**
     * The call's video arrived: its reservation becomes spend. Providers bill what they made, so the charge follows
     * the catalog's price of what was {@code delivered} (its whole seconds and its resolution), which may differ
     * from what was asked and reserved; without a probe (a finished video that could not be landed) the
     * reservation is charged as it stands.
     */
    @Transactional(TxType.MANDATORY)
    public void charge(UUID jobId, int segmentIndex, Delivered delivered) {
        if (delivered == null) {
            charge(jobId, segmentIndex);
            return;
        }
        Object model = em.createNativeQuery("select model from spend_ledger where job_id = ?1 and segment_index = ?2"
                + " and state = 'reserved'").setParameter(1, jobId).setParameter(2, segmentIndex).getResultStream()
                .findFirst().orElse(null);
        if (model == null) {
            return;
        }
        BigDecimal price = pricing.call((String) model, Pricing.billedSeconds(delivered.seconds()), delivered.size());
        em.createNativeQuery("update spend_ledger set state = 'charged', charged_usd = ?3, delivered_seconds = ?4,"
                + " delivered_size = ?5, updated_at = now() where job_id = ?1 and segment_index = ?2"
                + " and state = 'reserved'")
                .setParameter(1, jobId).setParameter(2, segmentIndex).setParameter(3, price)
                .setParameter(4, BigDecimal.valueOf(delivered.seconds()).setScale(3, java.math.RoundingMode.HALF_UP))
                .setParameter(5, delivered.size().width() + "x" + delivered.size().height()).executeUpdate();
    }

    /** The call's video arrived but was not probed: its reservation is charged as it stands. */
    @Transactional(TxType.MANDATORY)
    public void charge(UUID jobId, int segmentIndex) {
        em.createNativeQuery("update spend_ledger set state = 'charged', charged_usd = reserved_usd, updated_at = now()"
                + " where job_id = ?1 and segment_index = ?2 and state = 'reserved'")
                .setParameter(1, jobId).setParameter(2, segmentIndex).executeUpdate();
    }

    /** A job's spend: what was reserved and charged for its calls, and what they delivered. */
    public record JobSpend(String model, BigDecimal reservedUsd, BigDecimal chargedUsd, int askedSeconds,
            BigDecimal deliveredSeconds, String deliveredSize) {
    }

    /** The charged calls of a job, in segment order. */
    @SuppressWarnings("unchecked")
    @Transactional(TxType.MANDATORY)
    public List<JobSpend> charged(UUID jobId) {
        List<Object[]> rows = em.createNativeQuery("select model, reserved_usd, charged_usd, seconds,"
                + " delivered_seconds, delivered_size from spend_ledger where job_id = ?1 and state = 'charged'"
                + " order by segment_index").setParameter(1, jobId).getResultList();
        return rows.stream().map(r -> new JobSpend((String) r[0], (BigDecimal) r[1], (BigDecimal) r[2],
                ((Number) r[3]).intValue(), (BigDecimal) r[4], (String) r[5])).toList();
    }

    /**
     * The call was refused or never made, or the job failed: its reservation is given back. (Providers bill
     * finished videos; a refused or failed generation is not charged.)
     */
    @Transactional(TxType.MANDATORY)
    public void release(UUID jobId) {
        em.createNativeQuery("update spend_ledger set state = 'released', updated_at = now()"
                + " where job_id = ?1 and state = 'reserved'").setParameter(1, jobId).executeUpdate();
    }

    /** The lock a campaign's budget is set under (exclusive) and read under (shared). */
    static String campaignLock(String team, String campaign) {
        return "budget:" + team + "/" + campaign;
    }

    private Optional<BigDecimal> campaignLimit(String team, String campaign) {
        return em.createNativeQuery("select limit_usd from campaign_budget where team = ?1 and campaign = ?2")
                .setParameter(1, team).setParameter(2, campaign).getResultStream().findFirst()
                .map(v -> (BigDecimal) v);
    }

    private BigDecimal committed(String where, String team, String campaign) {
        var query = em.createNativeQuery("select coalesce(sum(case state when 'reserved' then reserved_usd"
                + " when 'charged' then charged_usd else 0 end), 0) from spend_ledger where " + where)
                .setParameter(1, team);
        if (campaign != null) {
            query.setParameter(2, campaign);
        }
        return (BigDecimal) query.getSingleResult();
    }

    private static Optional<String> over(String scope, Optional<BigDecimal> limit, BigDecimal committed,
            BigDecimal price) {
        if (limit.isEmpty() || committed.add(price).compareTo(limit.get()) <= 0) {
            return Optional.empty();
        }
        return Optional.of("budget: the " + scope + " budget is $" + limit.get().toPlainString() + "; $"
                + committed.toPlainString() + " is committed and this call costs $" + price.toPlainString());
    }
}
