package io.reelflow.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import io.reelflow.localstack.LocalStack;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Reads the stack's object storage through the S3 API, as a team's tooling would. */
public final class Storage implements AutoCloseable {

    private final LocalStack stack;
    private final S3Client s3;

    public Storage(LocalStack stack) {
        this.stack = stack;
        this.s3 = client(stack);
    }

    /** An S3 client for the stack's object store (close it when done). */
    public static S3Client client(LocalStack stack) {
        return S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(stack.s3Endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
                .build();
    }

    public byte[] get(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(stack.bucket()).key(key)).asByteArray();
    }

    public void download(String key, Path to) {
        s3.getObject(b -> b.bucket(stack.bucket()).key(key), to);
    }

    public boolean exists(String key) {
        return list(key).stream().anyMatch(o -> o.key().equals(key));
    }

    public List<S3Object> list(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(stack.bucket()).prefix(prefix)).contents().stream().toList();
    }

    /** Where a person finds the object: a file path when storage is on this disk, else an s3:// URL. */
    public String location(String key) {
        return stack.bucketDirectory().map(dir -> dir.resolve(key).toString())
                .orElse("s3://" + stack.bucket() + "/" + key);
    }

    @Override
    public void close() {
        s3.close();
    }
}
