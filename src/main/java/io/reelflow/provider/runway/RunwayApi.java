package io.reelflow.provider.runway;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Runway's API (https://docs.dev.runwayml.com/api/): start a text-to-video or image-to-video task, read a task,
 * cancel or delete one. Answers come back raw; {@link RunwayProvider} reads them.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public interface RunwayApi {

    @POST
    @Path("/text_to_video")
    @Consumes(MediaType.APPLICATION_JSON)
    Response textToVideo(JsonNode body);

    @POST
    @Path("/image_to_video")
    @Consumes(MediaType.APPLICATION_JSON)
    Response imageToVideo(JsonNode body);

    @GET
    @Path("/tasks/{id}")
    Response task(@PathParam("id") String id);

    @DELETE
    @Path("/tasks/{id}")
    Response delete(@PathParam("id") String id);
}
