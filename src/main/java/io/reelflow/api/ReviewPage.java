package io.reelflow.api;

import java.io.IOException;
import java.io.InputStream;

import org.eclipse.microprofile.openapi.annotations.Operation;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The review page at {@code /review}; its script and styles are served from {@code /review/}. */
@Path("/review")
public class ReviewPage {

    private static final String PAGE = "META-INF/resources/review/index.html";

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public byte[] page() throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IOException("the review page is missing from the package: " + PAGE);
            }
            return in.readAllBytes();
        }
    }
}
