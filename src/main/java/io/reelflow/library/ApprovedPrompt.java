package io.reelflow.library;

import java.time.OffsetDateTime;
import java.util.List;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.reelflow.campaign.Shot;
import io.reelflow.job.Job;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToOne;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/**
 * A shot's approved draft, the team's prompt library: who approved it and when. The prompt and the settings
 * that produced it are read from the draft job, its shot and its batch.
 */
@Entity
@Table(name = "approved_prompt")
public class ApprovedPrompt extends PanacheEntityBase {

    private static final String WITH_DRAFT = "select p from ApprovedPrompt p join fetch p.draft"
            + " join fetch p.shot s join fetch s.batch b where b.team = ?1";

    @Id
    @GeneratedValue(generator = "approved_prompt_seq")
    @SequenceGenerator(name = "approved_prompt_seq", sequenceName = "approved_prompt_seq", allocationSize = 50)
    public Long id;

    @OneToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "shot_id")
    public Shot shot;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "draft_job_id")
    public Job draft;

    public String reviewer;
    public OffsetDateTime approvedAt;

    public static List<ApprovedPrompt> ofCampaign(String team, String campaign) {
        return list(WITH_DRAFT + " and b.campaign = ?2 order by p.approvedAt, p.id", team, campaign);
    }

    /** The team's newest approvals (at most {@code limit}), of one campaign when {@code campaign} is given. */
    public static List<ApprovedPrompt> newest(String team, String campaign, int limit) {
        var query = campaign == null ? find(WITH_DRAFT + " order by p.approvedAt desc, p.id desc", team)
                : find(WITH_DRAFT + " and b.campaign = ?2 order by p.approvedAt desc, p.id desc", team, campaign);
        return query.page(0, limit).list();
    }
}
