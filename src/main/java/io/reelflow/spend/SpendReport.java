package io.reelflow.spend;

import java.math.BigDecimal;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/** Reads of the spend ledger: what was charged, and what is reserved for calls in flight. */
@ApplicationScoped
public class SpendReport {

    /** Spend of one team's campaign on one model. */
    public record Line(String team, String campaign, String model, BigDecimal chargedUsd, BigDecimal reservedUsd,
            long callsCharged) {
    }

    private final EntityManager em;

    public SpendReport(EntityManager em) {
        this.em = em;
    }

    /** {@code team}'s spend by campaign and model. */
    @Transactional(TxType.MANDATORY)
    public List<Line> ofTeam(String team) {
        return lines("where team = ?1", team);
    }

    /** Every team's spend by campaign and model. */
    @Transactional(TxType.MANDATORY)
    public List<Line> all() {
        return lines("", null);
    }

    private List<Line> lines(String where, String team) {
        var query = em.createNativeQuery("select team, campaign, model, charged_usd, reserved_usd, calls_charged"
                + " from spend_by_model " + where + " order by team, campaign, model");
        if (team != null) {
            query.setParameter(1, team);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(r -> new Line((String) r[0], (String) r[1], (String) r[2], (BigDecimal) r[3],
                (BigDecimal) r[4], ((Number) r[5]).longValue())).toList();
    }
}
