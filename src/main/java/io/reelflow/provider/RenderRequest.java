package io.reelflow.provider;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * What a provider is asked to render. {@code reference} is the job id and {@code submittedAt} when its create
 * call was last attempted: both help find a job whose create outcome was not seen. {@code remoteModel} is the
 * model's name at the provider. {@code referenceImage}, when present, is a local PNG already fitted to the
 * exact frame size, the clip's first frame. {@code seed}, when present, is the randomness the model is asked to
 * use (only for models the catalog says take one). {@code createKey} names one create attempt: it is chosen
 * before the call, kept with the job, and sent where the provider takes a caller's own id for a task (Kling's
 * {@code external_task_id}), so a create whose answer was lost is looked up exactly.
 */
public record RenderRequest(UUID reference, String model, String remoteModel, String prompt, int seconds, int width,
        int height, String referenceImageUrl, Instant submittedAt, Path referenceImage, Long seed, String createKey) {

    /** The same request with its prepared reference image. */
    public RenderRequest withReferenceImage(Path image) {
        return new RenderRequest(reference, model, remoteModel, prompt, seconds, width, height, referenceImageUrl,
                submittedAt, image, seed, createKey);
    }

    /** The same request under the key of a new create attempt. */
    public RenderRequest withCreateKey(String key) {
        return new RenderRequest(reference, model, remoteModel, prompt, seconds, width, height, referenceImageUrl,
                submittedAt, referenceImage, seed, key);
    }

    /** {@code WIDTHxHEIGHT}. */
    public String size() {
        return width + "x" + height;
    }

    public boolean portrait() {
        return height > width;
    }
}
