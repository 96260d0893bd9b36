package io.reelflow.provenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.reelflow.config.ReelflowConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The deployment's content credentials signer, set up once at start from {@code reelflow.credentials.*}: a
 * configured key and chain, a throwaway chain (demos, tests), or none. Without one the service says so at start
 * and stores videos without credentials, unless {@code required} makes it refuse to start.
 */
@ApplicationScoped
public class CredentialSigning {

    private static final Logger LOG = Logger.getLogger(CredentialSigning.class);

    private final Optional<ContentCredentials> signer;

    public CredentialSigning(ReelflowConfig config) {
        this.signer = setUp(config.credentials(), version());
    }

    static Optional<ContentCredentials> setUp(ReelflowConfig.Credentials settings, String version) {
        Optional<String> key = settings.key().filter(k -> !k.isBlank()).or(() -> settings.keyFile().map(CredentialSigning::read));
        Optional<String> chain = settings.certificates().filter(c -> !c.isBlank())
                .or(() -> settings.certificatesFile().map(CredentialSigning::read));
        SigningIdentity identity;
        if (key.isPresent() && chain.isPresent()) {
            identity = SigningIdentity.fromPem(key.get(), chain.get());
            LOG.infof("content credentials: videos are signed as '%s' (certificate valid until %s)",
                    identity.signer(), identity.notAfter());
        } else if (key.isPresent() || chain.isPresent()) {
            throw new IllegalStateException("content credentials need both reelflow.credentials.key and"
                    + " reelflow.credentials.certificates (or their -file forms); only one is set");
        } else if (settings.throwaway()) {
            identity = SigningIdentity.throwaway("Reelflow", Duration.ofDays(30));
            settings.throwawayRootFile().ifPresent(file -> write(file, identity.rootPem().orElseThrow()));
            LOG.warnf("content credentials: videos are signed with a throwaway certificate made at start (for demos"
                    + " and tests; its root%s)", settings.throwawayRootFile().map(f -> " is at " + f).orElse(" is not kept"));
        } else if (settings.required()) {
            throw new IllegalStateException("content credentials are required (reelflow.credentials.required) but no"
                    + " signing key is configured: set REELFLOW_CREDENTIALS_KEY and REELFLOW_CREDENTIALS_CERTIFICATES");
        } else {
            LOG.warn("content credentials: no signing key is configured (REELFLOW_CREDENTIALS_KEY,"
                    + " REELFLOW_CREDENTIALS_CERTIFICATES); videos are stored WITHOUT content credentials, so nothing"
                    + " in the files marks them as AI-generated");
            return Optional.empty();
        }
        return Optional.of(new ContentCredentials(identity, version));
    }

    /** The signer, when this deployment signs. */
    public Optional<ContentCredentials> signer() {
        return signer;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("content credentials file " + file + " is not readable", e);
        }
    }

    private static void write(Path file, String pem) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, pem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the throwaway root to " + file, e);
        }
    }

    private static String version() {
        String version = CredentialSigning.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
