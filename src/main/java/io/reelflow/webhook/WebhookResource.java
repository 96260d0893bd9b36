package io.reelflow.webhook;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.job.JobSignals;
import io.reelflow.job.JobQueries;
import io.reelflow.provider.Providers;
import io.reelflow.provider.VideoProvider;
import io.reelflow.provider.http.RemoteProvider;
import io.reelflow.provider.http.WebhookSignature;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Receives providers' webhooks at {@code /webhooks/{provider}}. A webhook only says "look at this job now":
 * after its signature and timestamp are verified, the running job it names is scheduled for an immediate
 * status check. Polling stays the fallback, and results are landed only by the worker that holds the job's
 * lease, so a webhook and a poll never land a result twice.
 */
@Path("/webhooks")
@Blocking
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);
    private static final int REMEMBERED_IDS = 10_000;

    private final Providers providers;
    private final JobQueries jobs;
    private final JobSignals signals;
    private final ObjectMapper json;
    private final ReelflowConfig config;
    /** Webhook ids seen recently: a replayed delivery is acknowledged without acting twice. */
    private final Set<String> seen = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED_IDS;
                }
            }));

    public WebhookResource(Providers providers, JobQueries jobs, JobSignals signals, ObjectMapper json,
            ReelflowConfig config) {
        this.providers = providers;
        this.jobs = jobs;
        this.signals = signals;
        this.json = json;
        this.config = config;
    }

    @POST
    @Path("/{provider}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(@PathParam("provider") String name, @Context HttpHeaders headers, byte[] body) {
        Optional<RemoteProvider> provider = remote(name);
        if (provider.isEmpty() || !provider.get().receivesWebhooks()) {
            return problem(Response.Status.NOT_FOUND, "no webhooks are configured for provider '" + name + "'");
        }
        byte[] raw = body == null ? new byte[0] : body;
        String id;
        try {
            id = provider.get().verifyWebhook(new RemoteProvider.WebhookDelivery(headers::getHeaderString, raw),
                    Instant.now(), config.webhooks().tolerance());
        } catch (WebhookSignature.Refused e) {
            LOG.warnf("%s webhook refused: %s", name, e.getMessage());
            return problem(Response.Status.UNAUTHORIZED, e.getMessage());
        }
        if (!seen.add(name + ":" + id)) {
            return Response.ok(Map.of("accepted", true, "duplicate", true)).build();
        }
        JsonNode payload;
        try {
            payload = json.readTree(raw);
        } catch (java.io.IOException e) {
            return problem(Response.Status.BAD_REQUEST, "body is not JSON");
        }
        // The payload only says which job to look at: its state is read from the provider by the worker.
        boolean matched = false;
        for (String jobId : provider.get().webhookJobIds(payload)) {
            if (jobs.nudge(name, jobId)) {
                matched = true;
                signals.wakeOne();
            }
        }
        LOG.debugf("%s webhook %s: %s", name, id, matched ? "job nudged" : "no running job");
        return Response.ok(Map.of("accepted", true, "jobNudged", matched)).build();
    }

    private Optional<RemoteProvider> remote(String name) {
        if (!providers.names().contains(name)) {
            return Optional.empty();
        }
        VideoProvider provider = providers.get(name);
        return provider instanceof RemoteProvider remote ? Optional.of(remote) : Optional.empty();
    }

    private static Response problem(Response.Status status, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(Map.of("status", status.getStatusCode(), "title", status.getReasonPhrase(), "detail", detail))
                .build();
    }
}
