package io.reelflow.provider.fal;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * fal.ai's queue API (https://docs.fal.ai/model-apis/model-endpoints/queue): submit a model's input to
 * {@code POST /{model id}} (optionally with {@code fal_webhook}), then follow the request under the model's app
 * (the first two parts of its id): {@code GET /{app}/requests/{id}/status}, {@code GET /{app}/requests/{id}} for the
 * result, {@code PUT /{app}/requests/{id}/cancel}. Answers come back raw; {@link FalProvider} reads them.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public interface FalQueueApi {

    @POST
    @Path("{model: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response submit(@PathParam("model") @Encoded String model, @QueryParam("fal_webhook") String webhook,
            JsonNode input);

    @GET
    @Path("{owner}/{app}/requests/{id}/status")
    Response status(@PathParam("owner") String owner, @PathParam("app") String app, @PathParam("id") String id);

    @GET
    @Path("{owner}/{app}/requests/{id}")
    Response result(@PathParam("owner") String owner, @PathParam("app") String app, @PathParam("id") String id);

    @PUT
    @Path("{owner}/{app}/requests/{id}/cancel")
    Response cancel(@PathParam("owner") String owner, @PathParam("app") String app, @PathParam("id") String id);
}
