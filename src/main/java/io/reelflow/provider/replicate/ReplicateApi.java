package io.reelflow.provider.replicate;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Replicate's predictions API (https://replicate.com/docs/reference/http): create a prediction of an official
 * model, get it, cancel it, list recent ones. Answers come back raw; {@link ReplicateProvider} reads them.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public interface ReplicateApi {

    @POST
    @Path("/models/{owner}/{name}/predictions")
    @Consumes(MediaType.APPLICATION_JSON)
    Response createPrediction(@PathParam("owner") String owner, @PathParam("name") String name, JsonNode body);

    @GET
    @Path("/predictions/{id}")
    Response getPrediction(@PathParam("id") String id);

    @POST
    @Path("/predictions/{id}/cancel")
    Response cancelPrediction(@PathParam("id") String id);

    @GET
    @Path("/predictions")
    Response listPredictions(@QueryParam("cursor") String cursor);
}
