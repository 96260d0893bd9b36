package io.reelflow.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.reelflow.testkit.TestConfig;

class CredentialSigningTest {

    @TempDir
    Path tmp;

    private static java.util.Optional<ContentCredentials> setUp(Map<String, String> settings) {
        return CredentialSigning.setUp(TestConfig.reelflow(settings).credentials(), "test");
    }

    @Test
    void withoutAKeyVideosAreStoredUnsignedUnlessCredentialsAreRequired() {
        assertThat(setUp(Map.of())).isEmpty();
        assertThatThrownBy(() -> setUp(Map.of("reelflow.credentials.required", "true")))
                .hasMessageContaining("no signing key is configured").hasMessageContaining("REELFLOW_CREDENTIALS_KEY");
    }

    @Test
    void aKeyWithoutItsCertificatesIsRefusedAtStart() {
        SigningIdentity identity = SigningIdentity.throwaway("Acme", Duration.ofDays(1));
        assertThatThrownBy(() -> setUp(Map.of("reelflow.credentials.key", identity.keyPem())))
                .hasMessageContaining("need both");
    }

    @Test
    void aConfiguredKeyAndChainSignAsTheirSubjectFromTextOrFiles() throws Exception {
        SigningIdentity identity = SigningIdentity.throwaway("Acme", Duration.ofDays(1));
        assertThat(setUp(Map.of("reelflow.credentials.key", identity.keyPem(), "reelflow.credentials.certificates",
                identity.chainPem()))).hasValueSatisfying(c -> assertThat(c.identity().signer())
                        .contains("CN=Acme content credentials"));
        Path key = Files.writeString(tmp.resolve("key.pem"), identity.keyPem());
        Path chain = Files.writeString(tmp.resolve("chain.pem"), identity.chainPem());
        assertThat(setUp(Map.of("reelflow.credentials.key-file", key.toString(),
                "reelflow.credentials.certificates-file", chain.toString()))).isPresent();
    }

    @Test
    void aThrowawayChainWritesItsRootWhereAValidatorCanTrustIt() throws Exception {
        Path root = tmp.resolve("root/credentials-root.pem");
        assertThat(setUp(Map.of("reelflow.credentials.throwaway", "true",
                "reelflow.credentials.throwaway-root-file", root.toString()))).isPresent();
        assertThat(Files.readString(root)).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void aKeyThatIsNotP256IsRefused() throws Exception {
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
                rsa.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        SigningIdentity identity = SigningIdentity.throwaway("Acme", Duration.ofDays(1));
        assertThatThrownBy(() -> SigningIdentity.fromPem(pem, identity.chainPem()))
                .hasMessageContaining("ECDSA P-256");
    }
}
