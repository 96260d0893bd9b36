package io.reelflow.provider.veo;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The Gemini API calls for Veo (https://ai.google.dev/gemini-api/docs/video): start a long-running generation
 * and read its operation. Answers come back raw; {@link VeoProvider} reads them.
 */
@Path("/v1beta")
@Produces(MediaType.APPLICATION_JSON)
public interface GeminiApi {

    @POST
    @Path("/models/{model}:predictLongRunning")
    @Consumes(MediaType.APPLICATION_JSON)
    Response predictLongRunning(@PathParam("model") String model, JsonNode body);

    /** An operation named {@code models/{model}/operations/{operation}}. */
    @GET
    @Path("/models/{model}/operations/{operation}")
    Response getOperation(@PathParam("model") String model, @PathParam("operation") String operation);
}
