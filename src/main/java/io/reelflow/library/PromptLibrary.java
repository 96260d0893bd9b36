package io.reelflow.library;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.reelflow.background.PollingLoop;
import io.reelflow.campaign.Batch;
import io.reelflow.campaign.Shot;
import io.reelflow.job.Job;
import io.reelflow.persistence.AfterCommit;
import io.reelflow.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * The team's library of approved prompts, exported per campaign as {@code {team}/{campaign}/prompt-library.json}
 * and {@code .csv}: every approved prompt with the model, length and size that produced it. An approval marks its
 * campaign's export out of date; a background pass rewrites out-of-date exports.
 */
@ApplicationScoped
public class PromptLibrary {

    private static final Logger LOG = Logger.getLogger(PromptLibrary.class);
    private static final int CAMPAIGNS_PER_PASS = 20;
    private static final int EXPORT_REST = 9;
    static final String[] COLUMNS = {"team", "campaign", "batchId", "shotId", "revision", "prompt", "aspectRatio",
        "draftModel", "draftSeconds", "draftSize", "finalModel", "reviewer", "approvedAt"};

    private final EntityManager em;
    private final ObjectStore store;
    private final ObjectMapper json;
    private final AfterCommit afterCommit;
    private final PollingLoop loop;

    public PromptLibrary(EntityManager em, ObjectStore store, ObjectMapper json, AfterCommit afterCommit) {
        this.em = em;
        this.store = store;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
        this.afterCommit = afterCommit;
        // An export rewrites its campaign's whole library, so a campaign approved without pause would keep this
        // thread busy: it rests nine times each pass's time, busy at most a tenth of one core.
        this.loop = new PollingLoop("prompt-library", Duration.ofSeconds(1), Duration.ofMillis(250), EXPORT_REST,
                () -> QuarkusTransaction.requiringNew().call(() -> exportDirty(CAMPAIGNS_PER_PASS))
                        == CAMPAIGNS_PER_PASS, LOG);
    }

    void start(@Observes StartupEvent event) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop(Duration.ofSeconds(10));
    }

    /** Adds the approved {@code draft} of {@code shot} to the library, in the approval's transaction. */
    @Transactional(TxType.MANDATORY)
    public void add(Shot shot, Job draft, String reviewer) {
        Batch batch = shot.batch;
        ApprovedPrompt entry = new ApprovedPrompt();
        entry.shot = shot;
        entry.draft = draft;
        entry.reviewer = reviewer;
        entry.approvedAt = OffsetDateTime.now();
        entry.persist();
        em.createNativeQuery("insert into prompt_library_dirty (team, campaign) values (?1, ?2) on conflict do nothing")
                .setParameter(1, batch.team).setParameter(2, batch.campaign).executeUpdate();
        afterCommit.run(loop::wake);
    }

    /** Rewrites the exports of campaigns marked out of date; returns how many. */
    int exportDirty(int limit) throws java.io.IOException {
        @SuppressWarnings("unchecked")
        List<Object[]> dirty = em.createNativeQuery(
                "select team, campaign from prompt_library_dirty limit :n for update skip locked")
                .setParameter("n", limit)
                .getResultList();
        for (Object[] row : dirty) {
            String team = (String) row[0];
            String campaign = (String) row[1];
            List<Map<String, Object>> entries = new ArrayList<>();
            for (ApprovedPrompt p : ApprovedPrompt.ofCampaign(team, campaign)) {
                entries.add(entry(p));
            }
            String prefix = team + "/" + campaign + "/prompt-library";
            store.put(prefix + ".json", json.writeValueAsBytes(Map.of("team", team, "campaign", campaign,
                    "prompts", entries)), "application/json");
            store.put(prefix + ".csv", csv(entries).getBytes(StandardCharsets.UTF_8), "text/csv");
            em.createNativeQuery("delete from prompt_library_dirty where team = ?1 and campaign = ?2")
                    .setParameter(1, team)
                    .setParameter(2, campaign)
                    .executeUpdate();
        }
        return dirty.size();
    }

    static Map<String, Object> entry(ApprovedPrompt p) {
        Job draft = p.draft;
        Batch batch = p.shot.batch;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("team", batch.team);
        e.put("campaign", batch.campaign);
        e.put("batchId", batch.batchKey);
        e.put("shotId", p.shot.shotKey);
        e.put("revision", draft.revision);
        e.put("prompt", draft.prompt);
        e.put("aspectRatio", p.shot.aspectRatio);
        e.put("draftModel", draft.model);
        e.put("draftSeconds", draft.seconds);
        e.put("draftSize", draft.width + "x" + draft.height);
        e.put("finalModel", batch.finalModel);
        e.put("reviewer", p.reviewer);
        e.put("approvedAt", p.approvedAt.toString());
        return e;
    }

    /** RFC 4180 CSV with a header row. */
    static String csv(List<Map<String, Object>> entries) {
        StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
        for (Map<String, Object> e : entries) {
            for (int i = 0; i < COLUMNS.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(quote(String.valueOf(e.get(COLUMNS[i]))));
            }
            out.append("\r\n");
        }
        return out.toString();
    }

    private static String quote(String value) {
        boolean needs = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        // A leading =, +, - or @ would be run as a formula by spreadsheet programs.
        if (!value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0) {
            value = "'" + value;
        }
        return needs ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
