package io.reelflow.provider;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One video generation service. Adapters speak the provider's own contract and map its outcomes onto
 * these calls; the job worker is the only caller and decides retries from {@link ProviderException}.
 */
public interface VideoProvider {

    /** The name models refer to in {@code reelflow.models.*.provider}. */
    String name();

    /** Whether this deployment configured the provider (its key and endpoint); models of a disabled provider are refused. */
    default boolean enabled() {
        return true;
    }

    /** The paid create call. The worker makes it at most once per job. */
    Submission create(RenderRequest request) throws ProviderException;

    /**
     * Finds the provider's jobs that may have been made for {@code request}, when a create call's outcome was
     * not seen. Candidates are newest first; the worker takes the first no other job already owns.
     */
    Lookup lookup(RenderRequest request) throws ProviderException;

    /** The provider's view of a job it accepted. */
    RemoteStatus status(String providerJobId) throws ProviderException;

    /** Opens the finished video; the caller streams and closes it. */
    InputStream download(String providerJobId) throws ProviderException;

    /** Asks the provider to stop a job Reelflow no longer waits for; providers without a cancel call ignore it. */
    default void cancel(String providerJobId) throws ProviderException {
    }

    /** The provider's own still of a finished job, where it makes one; the caller streams and closes it. */
    default Optional<InputStream> thumbnail(String providerJobId) throws ProviderException {
        return Optional.empty();
    }

    /** Called once the result is safely in object storage; providers that keep copies may drop them. */
    default void afterLanding(String providerJobId) {
    }

    /** An accepted create call: the provider's id for the job and when to ask about it first. */
    record Submission(String providerJobId, Duration pollAfter) {
    }

    /** What a reconciliation lookup found. */
    record Lookup(List<String> candidates, boolean authoritative) {

        /** The provider has the job. */
        public static Lookup found(String providerJobId) {
            return new Lookup(List.of(providerJobId), true);
        }

        /** Jobs at the provider that match the request; none means not found yet. */
        public static Lookup matching(List<String> providerJobIds) {
            return new Lookup(List.copyOf(providerJobIds), false);
        }

        /** The provider certainly never received the create call: it may be made now. */
        public static Lookup neverReceived() {
            return new Lookup(List.of(), true);
        }

        /** Not found yet, but the provider's listing may lag: ask again later. */
        public static Lookup notYetFound() {
            return new Lookup(List.of(), false);
        }
    }
}
