package io.reelflow.reference;

/**
 * A reference image that cannot be used. {@code permanent} failures (a refused address, a file that is not an
 * image, a strict aspect mismatch) fail the job; others (a timeout, a server error) may succeed later.
 */
public class ReferenceImageException extends Exception {

    private final boolean permanent;

    public ReferenceImageException(String reason, boolean permanent) {
        super(reason);
        this.permanent = permanent;
    }

    public ReferenceImageException(String reason, boolean permanent, Throwable cause) {
        super(reason, cause);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
