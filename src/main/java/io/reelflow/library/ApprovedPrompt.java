package io.reelflow.library;

import java.time.OffsetDateTime;
import java.util.List;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A prompt whose draft was approved, with the settings that produced it: the team's prompt library. */
@Entity
@Table(name = "approved_prompt")
public class ApprovedPrompt extends PanacheEntityBase {

    @Id
    @GeneratedValue(generator = "approved_prompt_seq")
    @SequenceGenerator(name = "approved_prompt_seq", sequenceName = "approved_prompt_seq", allocationSize = 50)
    public Long id;
    public String team;
    public String campaign;
    public String batchKey;
    public String shotKey;
    public int revision;
    public String prompt;
    public String aspectRatio;
    public String draftModel;
    public int draftSeconds;
    public String draftSize;
    public String finalModel;
    public String reviewer;
    public OffsetDateTime approvedAt;

    public static List<ApprovedPrompt> ofCampaign(String team, String campaign) {
        return list("team = ?1 and campaign = ?2 order by approvedAt, id", team, campaign);
    }

    /** The team's newest approvals (at most {@code limit}), of one campaign when {@code campaign} is given. */
    public static List<ApprovedPrompt> newest(String team, String campaign, int limit) {
        var query = campaign == null ? find("team = ?1 order by approvedAt desc, id desc", team)
                : find("team = ?1 and campaign = ?2 order by approvedAt desc, id desc", team, campaign);
        return query.page(0, limit).list();
    }
}
