package io.reelflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Chromium;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.NodePackages;
import io.reelflow.testkit.TestData;

/**
 * The review page end to end in headless Chromium (Debian's {@code chromium}, driven by npm
 * {@code playwright-core}; {@code src/test/e2e/review-e2e.mjs}): a batch submitted on the page, its drafts
 * playing, one approved and its final shown beside it, another revised and its revision 2 shown, a batch with
 * placements showing its files with download links and downloading as a ZIP, and the page at phone width. Screenshots of each step go to {@code target/review-page/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewPageIT {

    private static final Path SCREENSHOTS = Path.of("target", "review-page").toAbsolutePath();
    private static final Path CHROMIUM = Path.of(System.getProperty("reelflow.chromium", "/usr/bin/chromium"));

    private final String key = "e2e-" + HexFormat.of().formatHex(TestData.random(16));
    private ItStack it;
    private ServiceProcess service;

    @BeforeAll
    void start() throws Exception {
        Chromium.ensure(CHROMIUM);
        it = new ItStack(ReviewPageIT.class);
        service = it.service("service", ItStack.env(
                "REELFLOW_API_KEYS", ApiKeys.entry("studio", key),
                "REELFLOW_LOCAL_LATENCY", "PT1S",
                "REELFLOW_LOCAL_REFUSE_PATTERN", "\\[refuse\\]")).start();
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(service, it);
    }

    @Test
    void aReviewerSubmitsWatchesApprovesAndRevisesOnThePage() throws Exception {
        Path e2e = NodePackages.install(Path.of("src/test/e2e"), Path.of("target/e2e"), "node_modules/playwright-core");
        for (String script : List.of("review-e2e.mjs", "browser.mjs")) {
            Files.copy(Path.of("src/test/e2e", script), e2e.resolve(script), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(SCREENSHOTS);
        for (String shot : List.of("1-drafts.png", "2-final.png", "3-revision.png", "4-phone.png", "5-deliverables.png")) {
            Files.deleteIfExists(SCREENSHOTS.resolve(shot));
        }
        Path log = it.dir.resolve("logs").resolve("review-e2e.log");
        ProcessBuilder node = new ProcessBuilder("node", "review-e2e.mjs").directory(e2e.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        node.environment().putAll(Map.of("REELFLOW_URL", service.baseUrl(), "REELFLOW_KEY", key,
                "SCREENSHOTS", SCREENSHOTS.toString(), "CHROMIUM", CHROMIUM.toString()));
        Process run = node.start();
        boolean finished = run.waitFor(8, TimeUnit.MINUTES);
        if (!finished) {
            run.destroyForcibly();
        }
        assertThat(finished && run.exitValue() == 0).as("the page test passed; its output:%n%s", Files.readString(log))
                .isTrue();

        for (String shot : List.of("1-drafts.png", "2-final.png", "3-revision.png", "4-phone.png", "5-deliverables.png")) {
            byte[] png = Files.readAllBytes(SCREENSHOTS.resolve(shot));
            assertThat(png.length).as(shot).isGreaterThan(10_000);
            assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
        List<Map<String, Object>> jobs = it.db.query("""
                select s.shot_key, j.stage, j.revision, j.state, j.prompt, j.refused_input from job j join shot s on s.id = j.shot_id
                join batch b on b.id = s.batch_id where b.team = 'studio' and b.campaign = 'e2e' order by s.shot_key, j.stage, j.revision""");
        assertThat(jobs).extracting(j -> j.get("shot_key") + " " + j.get("stage") + " r" + j.get("revision") + " "
                + j.get("state")).containsExactly("s01 DRAFT r1 LANDED", "s01 FINAL r1 LANDED", "s02 DRAFT r1 LANDED",
                        "s02 DRAFT r2 LANDED", "s03 DRAFT r1 FAILED");
        assertThat((String) jobs.get(3).get("prompt")).startsWith("Slow crane up");
        // The page said the refused draft's prompt was refused because the job records it so.
        assertThat(jobs.get(4).get("refused_input")).isEqualTo("prompt");
    }
}
