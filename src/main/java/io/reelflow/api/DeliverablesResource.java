package io.reelflow.api;

import java.io.InputStream;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.reelflow.campaign.Batch;
import io.reelflow.delivery.Deliverable;
import io.reelflow.storage.ObjectStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * A batch's placement files as one ZIP ({@code {shot}/{placement}.mp4} with its {@code .vtt} and {@code .srt}, and
 * the batch's {@code manifest.json}), streamed from object storage file by file: nothing is held in memory.
 */
@Path("/api/v1")
@Tag(name = "Batches")
public class DeliverablesResource {

    /** One file of the archive: its name in the ZIP and its object key. */
    record Entry(String name, String key) {
    }

    private final Caller caller;
    private final ObjectStore store;

    public DeliverablesResource(Caller caller, ObjectStore store) {
        this.caller = caller;
        this.store = store;
    }

    @GET
    @Path("/batches/{batchId}/deliverables.zip")
    @Produces("application/zip")
    @Operation(summary = "The batch's stored placement files and their captions as one ZIP, streamed")
    public Response zip(@PathParam("batchId") String batchId) {
        String team = caller.team();
        List<Entry> entries = new java.util.ArrayList<>(
                QuarkusTransaction.requiringNew().call(() -> entries(team, batchId)));
        // The manifest is written a moment after the batch's changes; an archive without it is still whole.
        entries.removeIf(e -> e.name().equals("manifest.json") && !store.exists(e.key()));
        if (entries.stream().noneMatch(e -> e.name().endsWith(".mp4"))) {
            throw new ApiException(404, "Not Found", "batch '" + batchId + "' has no stored placement files yet",
                    List.of());
        }
        StreamingOutput body = out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.setLevel(Deflater.NO_COMPRESSION); // video is compressed already
                for (Entry e : entries) {
                    zip.putNextEntry(new ZipEntry(e.name()));
                    try (InputStream in = store.open(e.key())) {
                        in.transferTo(zip);
                    }
                    zip.closeEntry();
                }
            }
        };
        return Response.ok(body, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"" + batchId + "-deliverables.zip\"").build();
    }

    private static List<Entry> entries(String team, String batchId) {
        Batch batch = BatchesResource.batch(team, batchId);
        List<Entry> entries = new java.util.ArrayList<>();
        entries.add(new Entry("manifest.json", batch.manifestKey));
        for (Deliverable d : Deliverable.ofBatch(batch)) {
            if (d.state != Deliverable.State.DELIVERED || !d.objectKey.startsWith(team + "/")) {
                continue;
            }
            String base = d.shot.shotKey + "/" + d.placement;
            entries.add(new Entry(base + ".mp4", d.objectKey));
            if (d.vttKey != null) {
                entries.add(new Entry(base + ".vtt", d.vttKey));
                entries.add(new Entry(base + ".srt", d.srtKey));
            }
        }
        return entries;
    }
}
