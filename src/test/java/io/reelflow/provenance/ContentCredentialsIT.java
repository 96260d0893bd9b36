package io.reelflow.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.reelflow.media.FrameSize;
import io.reelflow.media.MediaProbe;
import io.reelflow.media.PreviewRenderer;
import io.reelflow.testkit.C2paReader;

/**
 * Content credentials as the C2PA reference implementation reads them (see {@link C2paReader}): Reelflow's writer
 * is checked by code it shares nothing with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContentCredentialsIT {

    @TempDir
    Path tmp;

    private final SigningIdentity identity = SigningIdentity.throwaway("Reelflow test", Duration.ofDays(1));
    private Path clip;
    private Path root;

    @BeforeAll
    void render() throws IOException {
        clip = Files.createTempFile("credentials-", ".mp4");
        new PreviewRenderer().render("A lighthouse at dusk, waves below", new FrameSize(640, 360), 2, clip);
        root = Files.createTempFile("root-", ".pem");
        Files.writeString(root, identity.rootPem().orElseThrow());
    }

    private Path signed(String name, ContentCredentials.Statement statement) throws IOException {
        Path file = tmp.resolve(name);
        Files.copy(clip, file);
        ContentCredentials.Signed signed = new ContentCredentials(identity, "test").sign(file, statement);
        assertThat(signed.sha256()).isEqualTo(io.reelflow.storage.Hashing.sha256Hex(file));
        assertThat(signed.sizeBytes()).isEqualTo(Files.size(file)).isGreaterThan(Files.size(clip));
        assertThat(signed.label()).startsWith("urn:c2pa:");
        return file;
    }

    private static ContentCredentials.Statement draft() {
        return new ContentCredentials.Statement("draft-r1.mp4",
                List.of(ContentCredentials.Action.created("kling-3 (kling)", "generated from the shot's prompt"),
                        ContentCredentials.Action.edited("c2pa.edited", "cut to 2 s and fitted to 640x360")),
                List.of(new ContentCredentials.Ingredient("kling task 123", "video/mp4", "ab".repeat(32),
                        "componentOf")),
                Map.of("team", "acme", "model", "kling-3", "provider", "kling"));
    }

    @Test
    void aSignedClipIsTrustedUnderItsRootValidWithoutItAndStillPlays() throws Exception {
        Path file = signed("draft.mp4", draft());
        JsonNode trusted = C2paReader.read(root, file);
        assertThat(trusted.path("state").asText()).as(trusted.toString()).isEqualTo("Trusted");
        assertThat(trusted.path("failures")).isEmpty();
        assertThat(trusted.path("successes").toString()).contains("claimSignature.validated",
                "assertion.bmffHash.match");
        assertThat(trusted.path("c2paTs").path("valid").asBoolean()).as(trusted.path("c2paTs").toString()).isTrue();
        assertThat(trusted.path("c2paTs").path("codes").toString()).contains("claimSignature.validated",
                "assertion.bmffHash.match");
        JsonNode untrusted = C2paReader.read(null, file);
        assertThat(untrusted.path("state").asText()).isEqualTo("Valid");
        assertThat(untrusted.path("failures").toString()).contains("signingCredential.untrusted");

        JsonNode actions = actions(trusted);
        assertThat(actions.get(0).path("action").asText()).isEqualTo("c2pa.created");
        assertThat(actions.get(0).path("digitalSourceType").asText())
                .isEqualTo(ContentCredentials.TRAINED_ALGORITHMIC_MEDIA);
        assertThat(actions.get(0).path("softwareAgent").path("name").asText()).isEqualTo("kling-3 (kling)");
        assertThat(actions.get(1).path("action").asText()).isEqualTo("c2pa.edited");
        assertThat(trusted.path("manifest").path("ingredients").get(0).path("description").asText())
                .isEqualTo("sha256:" + "ab".repeat(32));
        assertThat(trusted.path("manifest").path("signature_info").path("alg").asText()).isEqualToIgnoringCase("es256");

        MediaProbe.Probe before = MediaProbe.probe(clip);
        MediaProbe.Probe after = MediaProbe.probe(file);
        assertThat(after.seconds()).isEqualTo(before.seconds());
        assertThat(after.width()).isEqualTo(640);
        assertThat(after.hasAudio()).isTrue();
    }

    @Test
    void aPlacedLogoIsAnIngredientTheActionNames() throws Exception {
        ContentCredentials.Ingredient logo = new ContentCredentials.Ingredient("brand logo", "image/png",
                "cd".repeat(32), "componentOf");
        Path file = signed("placed.mp4", new ContentCredentials.Statement("reels.mp4",
                List.of(ContentCredentials.Action.created("veo-3.1 (veo)", null),
                        ContentCredentials.Action.edited("c2pa.cropped", "reframed to 9:16"),
                        ContentCredentials.Action.placed("brand logo placed", logo),
                        ContentCredentials.Action.edited("c2pa.edited", "re-encoded as H.264/AAC")),
                List.of(new ContentCredentials.Ingredient("master final.mp4", "video/mp4", "ef".repeat(32),
                        "componentOf")),
                Map.of("team", "acme")));
        JsonNode read = C2paReader.read(root, file);
        assertThat(read.path("state").asText()).as(read.toString()).isEqualTo("Trusted");
        assertThat(read.path("c2paTs").path("valid").asBoolean()).as(read.path("c2paTs").toString()).isTrue();
        assertThat(read.path("manifest").path("ingredients")).hasSize(2);
        assertThat(actions(read).get(2).path("parameters").path("ingredients").get(0).path("url").asText())
                .endsWith("c2pa.assertions/c2pa.ingredient.v3__2");
    }

    @Test
    void aProvidersOwnManifestTravelsAsTheIngredientsAndValidatesUnderBothRoots() throws Exception {
        SigningIdentity provider = SigningIdentity.throwaway("Provider", Duration.ofDays(1));
        Path served = tmp.resolve("served.mp4");
        Files.copy(clip, served);
        new ContentCredentials(provider, "provider").sign(served, new ContentCredentials.Statement("video.mp4",
                List.of(ContentCredentials.Action.created("provider model", null)), List.of(), Map.of()));
        byte[] store = ContentCredentials.manifestStore(served).orElseThrow();
        assertThat(ContentCredentials.manifestStore(served)).isPresent();
        assertThat(ContentCredentials.manifestStore(clip)).isEmpty();

        Path file = signed("carried.mp4", new ContentCredentials.Statement("draft-r1.mp4",
                List.of(ContentCredentials.Action.created("provider model (provider)", null),
                        ContentCredentials.Action.edited("c2pa.edited", "re-encoded as H.264/AAC")),
                List.of(Origin.providerFile("provider", "job-1", io.reelflow.storage.Hashing.sha256Hex(served), store)),
                Map.of("team", "acme")));
        Path roots = tmp.resolve("roots.pem");
        Files.writeString(roots, identity.rootPem().orElseThrow() + provider.rootPem().orElseThrow());
        JsonNode read = C2paReader.read(roots, file);
        assertThat(read.path("state").asText()).as(read.toString()).isEqualTo("Trusted");
        assertThat(read.path("manifests").asInt()).isEqualTo(2);
        assertThat(read.path("c2paTs").path("valid").asBoolean()).as(read.path("c2paTs").toString()).isTrue();
        JsonNode ingredient = read.path("manifest").path("ingredients").get(0);
        assertThat(ingredient.path("active_manifest").asText()).startsWith("urn:c2pa:");
        assertThat(ingredient.path("title").asText()).contains("with the provider's own content credentials");
        // Under Reelflow's root alone, the provider's signer is not trusted: the file is Valid, nothing fails.
        JsonNode ours = C2paReader.read(root, file);
        assertThat(ours.path("state").asText()).isEqualTo("Valid");
        assertThat(ours.path("failures")).isEmpty();
    }

    @Test
    void aFileChangedByOneByteAfterSigningFailsItsHardBinding() throws Exception {
        Path file = signed("tampered.mp4", draft());
        try (RandomAccessFile bytes = new RandomAccessFile(file.toFile(), "rw")) {
            long at = Files.size(clip) / 2;
            bytes.seek(at);
            int b = bytes.read();
            bytes.seek(at);
            bytes.write(b ^ 0x01);
        }
        JsonNode read = C2paReader.read(root, file);
        assertThat(read.path("state").asText()).isEqualTo("Invalid");
        assertThat(read.path("failures").toString()).contains("assertion.bmffHash.mismatch");
        assertThat(read.path("c2paTs").path("valid").asBoolean()).isFalse();
        assertThat(read.path("c2paTs").path("codes").toString()).contains("assertion.bmffHash.mismatch");
    }

    @Test
    void aFileThatAlreadyCarriesCredentialsIsNotSignedASecondTimeOverThem() throws Exception {
        Path file = signed("twice.mp4", draft());
        assertThatThrownBy(() -> new ContentCredentials(identity, "test").sign(file, draft()))
                .hasMessageContaining("already carries a C2PA manifest store");
    }

    @Test
    void aKeyAndChainReadFromPemSignAlike() throws Exception {
        SigningIdentity fromPem = SigningIdentity.fromPem(identity.keyPem(), identity.chainPem());
        Path file = tmp.resolve("pem.mp4");
        Files.copy(clip, file);
        new ContentCredentials(fromPem, "test").sign(file, draft());
        assertThat(C2paReader.read(root, file).path("state").asText()).isEqualTo("Trusted");
        assertThat(fromPem.signer()).contains("Reelflow test content credentials");
    }

    private static JsonNode actions(JsonNode read) {
        for (JsonNode assertion : read.path("manifest").path("assertions")) {
            if (assertion.path("label").asText().equals("c2pa.actions.v2")) {
                return assertion.path("data").path("actions");
            }
        }
        throw new AssertionError("no actions assertion in " + read);
    }
}
