package io.reelflow.config;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** Object storage where results land ({@code reelflow.storage.*}). */
public interface StorageConfig {
    /** Bucket holding every team's objects. */
    @WithDefault("reelflow")
    String bucket();

    /** Endpoint of an S3-compatible server; absent means AWS S3 itself. */
    Optional<String> endpoint();

    /** Region of the bucket. */
    @WithDefault("us-east-1")
    String region();

    /** Path-style addressing, needed by most S3-compatible servers. */
    @WithDefault("true")
    boolean pathStyle();

    /** Access key id; absent means the AWS default credential chain. */
    Optional<String> accessKeyId();

    /** Secret access key; absent means the AWS default credential chain. */
    Optional<String> secretAccessKey();

    /** Create the bucket at start-up when it does not exist. */
    @WithDefault("false")
    boolean createBucket();

    /** Directory for files being landed (downloads, posters) before upload. */
    Optional<Path> workDir();

    /** {@link #workDir()}, or {@code reelflow} under the system's temporary directory. */
    default Path workDirectory() {
        return workDir().orElse(Path.of(System.getProperty("java.io.tmpdir"), "reelflow"));
    }

    /**
     * The storage endpoint as browsers reach it, for download links (when it differs from {@code endpoint},
     * say an internal service name); absent means {@code endpoint}.
     */
    Optional<String> publicEndpoint();
}
