package io.reelflow.localstack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3-compatible server (S3Proxy) over a filesystem directory: every object is a plain file under
 * {@code baseDir/{bucket}/{key}}, so a person can open the MP4s directly. Credentials are made up per run.
 */
final class EmbeddedS3 implements AutoCloseable {

    private final Path baseDir;
    private final String accessKey;
    private final String secretKey;
    private final int port;
    private BlobStoreContext context;
    private S3Proxy proxy;

    EmbeddedS3(Path baseDir) {
        this.baseDir = baseDir;
        SecureRandom random = new SecureRandom();
        byte[] secret = new byte[20];
        random.nextBytes(secret);
        this.accessKey = "local-" + HexFormat.of().formatHex(secret, 0, 4);
        this.secretKey = HexFormat.of().formatHex(secret);
        this.port = Ports.free();
    }

    EmbeddedS3 start() throws Exception {
        Files.createDirectories(baseDir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        context = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return this;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    String accessKey() {
        return accessKey;
    }

    String secretKey() {
        return secretKey;
    }

    Path baseDir() {
        return baseDir;
    }

    /** Takes the server away (uploads fail) until {@link #start()} is called again. */
    void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
