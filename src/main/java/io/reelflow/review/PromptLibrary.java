package io.reelflow.review;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.reelflow.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * The team's library of approved prompts, exported per campaign as {@code {team}/{campaign}/prompt-library.json}
 * and {@code .csv}: every approved prompt with the model, length and size that produced it.
 */
@ApplicationScoped
public class PromptLibrary {

    static final String[] COLUMNS = {"team", "campaign", "batchId", "shotId", "revision", "prompt", "aspectRatio",
        "draftModel", "draftSeconds", "draftSize", "finalModel", "reviewer", "approvedAt"};

    private final EntityManager em;
    private final ObjectStore store;
    private final ObjectMapper json;

    public PromptLibrary(EntityManager em, ObjectStore store, ObjectMapper json) {
        this.em = em;
        this.store = store;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Asks for the campaign's export to be rewritten (in the current transaction). */
    static void markDirty(String team, String campaign) {
        ApprovedPrompt.getEntityManager().createNativeQuery(
                "insert into prompt_library_dirty (team, campaign) values (?1, ?2) on conflict do nothing")
                .setParameter(1, team)
                .setParameter(2, campaign)
                .executeUpdate();
    }

    /** Rewrites the exports of campaigns marked dirty; runs inside the caller's transaction. */
    public int exportDirty(int limit) throws java.io.IOException {
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
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("team", p.team);
        e.put("campaign", p.campaign);
        e.put("batchId", p.batchKey);
        e.put("shotId", p.shotKey);
        e.put("revision", p.revision);
        e.put("prompt", p.prompt);
        e.put("aspectRatio", p.aspectRatio);
        e.put("draftModel", p.draftModel);
        e.put("draftSeconds", p.draftSeconds);
        e.put("draftSize", p.draftSize);
        e.put("finalModel", p.finalModel);
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
