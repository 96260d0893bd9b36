package io.reelflow.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The contract the OpenAI tests validate against is the shared one, not a drifted copy. */
class ContractCopyTest {

    @Test
    void theBundledOpenAiContractEqualsTheSharedOne() throws Exception {
        Path shared = Path.of("../shared/contracts/openai-videos.openapi.yaml");
        assumeTrue(Files.exists(shared), "no shared contracts beside this checkout");
        assertThat(Files.readAllBytes(Path.of("src/test/resources/contracts/openai-videos.openapi.yaml")))
                .isEqualTo(Files.readAllBytes(shared));
    }
}
