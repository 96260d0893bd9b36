package io.reelflow.provider.openai;

import org.jboss.resteasy.reactive.client.api.ClientMultipartForm;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The OpenAI Videos API operations Reelflow calls, as the contract names them ({@code createVideo},
 * {@code GetVideo}, {@code ListVideos}, {@code DeleteVideo}). Answers come back raw; {@link OpenAiProvider}
 * reads them. The bytes of {@code RetrieveVideoContent} are streamed separately, never buffered here.
 */
@Path("/videos")
@Produces(MediaType.APPLICATION_JSON)
public interface OpenAiVideosApi {

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    Response createVideo(ClientMultipartForm form);

    @GET
    @Path("/{video_id}")
    Response getVideo(@PathParam("video_id") String videoId);

    @GET
    Response listVideos(@QueryParam("limit") int limit, @QueryParam("order") String order,
            @QueryParam("after") String after);

    @DELETE
    @Path("/{video_id}")
    Response deleteVideo(@PathParam("video_id") String videoId);
}
