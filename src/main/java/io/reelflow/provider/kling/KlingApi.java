package io.reelflow.provider.kling;

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
 * Kling's own video API (https://app.klingai.com/global/dev/document-api): create a text-to-video or image-to-video
 * task, and read one by its {@code task_id} or by the {@code external_task_id} given at create. {@code kind} is
 * {@code text2video} or {@code image2video}. Answers come back raw; {@link KlingProvider} reads them.
 */
@Path("/v1/videos")
@Produces(MediaType.APPLICATION_JSON)
public interface KlingApi {

    @POST
    @Path("/{kind}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response create(@PathParam("kind") String kind, JsonNode body);

    /** {@code id} is the task's {@code task_id} or the caller's {@code external_task_id}. */
    @GET
    @Path("/{kind}/{id}")
    Response task(@PathParam("kind") String kind, @PathParam("id") String id);
}
