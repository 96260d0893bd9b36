package io.reelflow.job;

import java.util.UUID;

/** Thrown when a worker no longer holds the job's lease: another replica took the job over, and it changes nothing. */
public class LeaseLostException extends RuntimeException {

    LeaseLostException(UUID id) {
        super("lease on job " + id + " was lost");
    }
}
