package io.reelflow.job;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/** The provider jobs Reelflow owns: each job's current one and the landed segments of long clips. */
@ApplicationScoped
public class JobSegments {

    private final EntityManager em;

    public JobSegments(EntityManager em) {
        this.em = em;
    }

    /** Records a landed segment once; a repeated call changes nothing. */
    @Transactional(TxType.MANDATORY)
    public void landed(UUID jobId, int index, int seconds, String providerJobId, String key, String sha256) {
        em.createNativeQuery("insert into job_segment (job_id, segment_index, seconds, provider_job_id, object_key,"
                + " sha256) values (?1, ?2, ?3, ?4, ?5, ?6) on conflict do nothing")
                .setParameter(1, jobId).setParameter(2, index).setParameter(3, seconds).setParameter(4, providerJobId)
                .setParameter(5, key).setParameter(6, sha256).executeUpdate();
    }

    /** A landed segment's provider job and the SHA-256 of the file it served, in segment order. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<String[]> landedFiles(UUID jobId) {
        return ((List<Object[]>) em.createNativeQuery("select provider_job_id, sha256 from job_segment where job_id = ?1"
                + " order by segment_index").setParameter(1, jobId).getResultList()).stream()
                .map(r -> new String[] { (String) r[0], (String) r[1] }).toList();
    }

    /**
     * The first of {@code candidates} (provider jobs that could be job {@code id}'s) that no other job owns,
     * neither as its current provider job nor as a landed segment.
     */
    @Transactional
    public Optional<String> firstUnowned(UUID id, String provider, List<String> candidates) {
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        Set<String> owned = new HashSet<>(em.createQuery("select j.providerJobId from Job j where j.provider = ?1"
                + " and j.providerJobId in ?2 and j.id <> ?3", String.class)
                .setParameter(1, provider).setParameter(2, candidates).setParameter(3, id).getResultList());
        for (Object landed : em.createNativeQuery("select provider_job_id from job_segment where provider_job_id in (?1)")
                .setParameter(1, candidates).getResultList()) {
            owned.add((String) landed);
        }
        return candidates.stream().filter(c -> !owned.contains(c)).findFirst();
    }
}
