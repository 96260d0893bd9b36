package io.reelflow.intake;

/** A message on the batch topic that is not JSON at all; it goes to the dead-letter topic with this reason. */
public class UnreadableBatchException extends RuntimeException {

    public UnreadableBatchException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
