package io.reelflow.storage;

import java.net.URI;
import java.nio.file.Path;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.reelflow.config.StorageConfig;
import io.reelflow.config.ReelflowConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The bucket every result lands in. Objects are uploaded from files, never held whole in memory. */
@ApplicationScoped
public class ObjectStore {

    private static final Logger LOG = Logger.getLogger(ObjectStore.class);

    private final StorageConfig config;
    private final S3Client s3;
    private final software.amazon.awssdk.services.s3.presigner.S3Presigner presigner;

    public ObjectStore(ReelflowConfig config, io.micrometer.core.instrument.MeterRegistry registry) {
        this.config = config.storage();
        this.s3 = client(this.config, new FailureCount(registry));
        this.presigner = presigner(this.config);
    }

    static S3Client client(StorageConfig config, ExecutionInterceptor interceptor) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor))
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                // S3-compatible servers differ in their support of the newer default checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        config.endpoint().map(URI::create).ifPresent(builder::endpointOverride);
        builder.credentialsProvider(credentials(config));
        return builder.build();
    }

    private static software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials(
            StorageConfig config) {
        if (config.accessKeyId().isPresent() && config.secretAccessKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKeyId().get(), config.secretAccessKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    void ensureBucket(@Observes StartupEvent event) {
        if (!config.createBucket()) {
            return;
        }
        try {
            s3.headBucket(b -> b.bucket(config.bucket()));
        } catch (S3Exception e) {
            // HEAD has no body, so a missing bucket is a plain 404 rather than NoSuchBucket.
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(config.bucket()));
            LOG.infof("created bucket %s", config.bucket());
        }
    }

    /**
     * A link that lets its holder GET the object for {@code lifetime} (a presigned URL): no storage credential
     * leaves the service.
     */
    public String presignedGet(String key, java.time.Duration lifetime) {
        return presigner.presignGetObject(r -> r.signatureDuration(lifetime)
                .getObjectRequest(g -> g.bucket(config.bucket()).key(key))).url().toString();
    }

    private static software.amazon.awssdk.services.s3.presigner.S3Presigner presigner(StorageConfig config) {
        var builder = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
                .region(Region.of(config.region()))
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(config.pathStyle()).build());
        config.publicEndpoint().or(config::endpoint).map(URI::create).ifPresent(builder::endpointOverride);
        builder.credentialsProvider(credentials(config));
        return builder.build();
    }

    public String bucket() {
        return config.bucket();
    }

    public void put(String key, Path file, String contentType) {
        s3.putObject(b -> b.bucket(config.bucket()).key(key).contentType(contentType), RequestBody.fromFile(file));
    }

    public void put(String key, byte[] content, String contentType) {
        s3.putObject(b -> b.bucket(config.bucket()).key(key).contentType(contentType), RequestBody.fromBytes(content));
    }

    /** Copies an object into {@code file}, replacing it. */
    public void download(String key, Path file) throws java.io.IOException {
        java.nio.file.Files.deleteIfExists(file);
        s3.getObject(b -> b.bucket(config.bucket()).key(key), file);
    }

    /** Copies an object into {@code file} if one is stored at {@code key} (one request); returns whether it was. */
    public boolean downloadIfStored(String key, Path file) throws java.io.IOException {
        try {
            download(key, file);
            return true;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (notFound(e)) {
                java.nio.file.Files.deleteIfExists(file);
                return false;
            }
            throw e;
        }
    }

    /** Whether S3 answered that no object is stored at the key (NoSuchKey, or a bare 404 to a HEAD). */
    private static boolean notFound(software.amazon.awssdk.services.s3.model.S3Exception e) {
        return e instanceof software.amazon.awssdk.services.s3.model.NoSuchKeyException || e.statusCode() == 404;
    }

    /** The object at {@code key} as a stream the caller closes (read as it is consumed, not held in memory). */
    public java.io.InputStream open(String key) {
        return s3.getObject(b -> b.bucket(config.bucket()).key(key));
    }

    /** Whether an object is stored at {@code key}. */
    public boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(config.bucket()).key(key));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (notFound(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Counts the requests to the bucket that failed, by operation ({@code reelflow_storage_failures_total}): no
     * answer, or an error status other than 404 (which {@link #exists} asks about on purpose).
     */
    static final class FailureCount implements ExecutionInterceptor {

        private final io.micrometer.core.instrument.MeterRegistry registry;

        FailureCount(io.micrometer.core.instrument.MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            if (context.exception() instanceof SdkServiceException answered && answered.statusCode() == 404) {
                return;
            }
            io.micrometer.core.instrument.Counter.builder("reelflow_storage_failures")
                    .description("Requests to the bucket that failed (no answer, or an error status other than 404)")
                    .tag("operation", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)))
                    .register(registry).increment();
        }
    }

    /** Whether the bucket answers; used by readiness. */
    public void check() {
        s3.headBucket(b -> b.bucket(config.bucket()));
    }

    @PreDestroy
    void close() {
        s3.close();
    }
}
