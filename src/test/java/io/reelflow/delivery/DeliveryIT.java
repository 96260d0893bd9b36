package io.reelflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.api.ApiKeys;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.media.Deliverables;
import io.reelflow.media.FrameSize;
import io.reelflow.media.Frames;
import io.reelflow.media.Loudness;
import io.reelflow.media.MediaProbe;
import io.reelflow.storage.Hashing;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.ItStack;

/**
 * Placement files end to end through the packaged service, the real broker, database and S3 server: a batch whose
 * shots run on placements of both orientations pays for exactly the masters it needs, and every file is probed
 * with FFmpeg (frame size, length, H.264/AAC, loudness and true peak by EBU R128), its captions parsed, and the
 * batch's ZIP read back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryIT {

    private static final String TEAM = "deliver";
    private static final String KEY = "deliver-key-" + System.nanoTime();
    private static final Duration WAIT = Duration.ofMinutes(6);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ItStack it;
    private ServiceProcess service;
    private EventStream events;

    @TempDir
    Path tmp;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(DeliveryIT.class);
        service = it.service("service", ItStack.env(
                "REELFLOW_API_KEYS", ApiKeys.entry(TEAM, KEY),
                "REELFLOW_WORKER_CONCURRENCY", "3")).start();
        events = EventStream.open(it.stack.kafka(), "video-events");
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(events, service, it);
    }

    @Test
    void placementsOfBothOrientationsPayForTwoMastersAndEveryFileMeetsItsPlacement() throws Exception {
        String batchId = "deliver-" + System.nanoTime();
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        batch.put("campaign", "autumn");
        ObjectNode defaults = batch.putObject("defaults");
        defaults.put("reviewPolicy", "approve-all");
        ArrayNode placements = defaults.putArray("deliverables");
        placements.addObject().put("name", "reels").put("burnCaptions", true);
        placements.add("youtube");
        placements.addObject().put("name", "banner").put("width", 640).put("height", 360).put("maxSeconds", 6)
                .put("targetLufs", -23).put("truePeakDbtp", -2);
        ObjectNode brand = batch.putObject("brand");
        brand.putObject("logo").put("url", magentaLogo()).put("corner", "bottom-right").put("width", 0.2);
        brand.putObject("endCard").put("seconds", 2).put("text", "Taste autumn at acme.example")
                .put("background", "#009600");
        brand.put("aiLabel", true);
        ArrayNode shots = batch.putArray("shots");
        ObjectNode wide = shots.addObject();
        wide.put("shotId", "wide");
        wide.put("prompt", "Slow dolly in on a ceramic cup on a marble counter at golden hour; soft cafe chatter.");
        wide.putObject("focus").put("x", 0.3).put("y", 0.5);
        ArrayNode captions = wide.putArray("captions");
        captions.addObject().put("start", 0.5).put("end", 3).put("text", "Autumn roast <new> & warm");
        captions.addObject().put("start", 4).put("end", 8.5).put("text", "Two lines:\nin every cup");
        ObjectNode tall = shots.addObject();
        tall.put("shotId", "tall");
        tall.put("prompt", "Handheld tracking shot through a neon night market, light rain; sizzling woks.");
        tall.put("aspectRatio", "portrait");
        tall.putArray("deliverables").add("feed-4x5").add("square");

        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(uri("/api/v1/batches"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);

        JsonNode accepted = awaitEvent(batchId, "BatchAccepted", null);
        JsonNode estimate = accepted.path("estimate");
        assertThat(estimate.path("finals").asInt()).as("paid finals: two for 'wide', one for 'tall'").isEqualTo(3);
        assertThat(estimate.path("secondMasters").asInt()).isEqualTo(1);
        assertThat(estimate.path("deliverables").asInt()).isEqualTo(5);

        JsonNode wideDelivered = awaitDelivered(batchId, "wide");
        JsonNode tallDelivered = awaitDelivered(batchId, "tall");
        awaitEvent(batchId, "BatchDelivered", null);

        // Exactly the masters the placements need: landscape and portrait for 'wide', portrait alone for 'tall'.
        List<Map<String, Object>> finals = it.db.query("select s.shot_key, j.width, j.height, j.object_key"
                + " from job j join shot s on s.id = j.shot_id join batch b on b.id = s.batch_id"
                + " where b.batch_key = ? and j.stage = 'FINAL' order by s.position, j.width desc", batchId);
        String prefix = TEAM + "/autumn/" + batchId + "/";
        assertThat(finals).extracting(r -> r.get("shot_key") + " " + r.get("width") + "x" + r.get("height") + " "
                + r.get("object_key")).containsExactly(
                        "wide 1792x1024 " + prefix + "wide/final.mp4",
                        "wide 1024x1792 " + prefix + "wide/final-portrait.mp4",
                        "tall 1024x1792 " + prefix + "tall/final.mp4");

        Map<String, JsonNode> files = new HashMap<>();
        for (JsonNode d : wideDelivered.path("deliverables")) {
            files.put("wide/" + d.path("placement").asText(), d);
        }
        for (JsonNode d : tallDelivered.path("deliverables")) {
            files.put("tall/" + d.path("placement").asText(), d);
        }
        assertThat(files.keySet()).containsExactlyInAnyOrder("wide/reels", "wide/youtube", "wide/banner",
                "tall/feed-4x5", "tall/square");
        // Every file: the 12 s picture (4 s for the 6 s banner) and the 2 s end card.
        Path reels = checkFile(files.get("wide/reels"), prefix + "wide/deliverables/reels.mp4", 1080, 1920, 14, -14,
                -1);
        checkFile(files.get("wide/youtube"), prefix + "wide/deliverables/youtube.mp4", 1920, 1080, 14, -14, -1);
        checkFile(files.get("wide/banner"), prefix + "wide/deliverables/banner.mp4", 640, 360, 6, -23, -2);
        checkFile(files.get("tall/feed-4x5"), prefix + "tall/deliverables/feed-4x5.mp4", 1080, 1350, 14, -14, -1);
        checkFile(files.get("tall/square"), prefix + "tall/deliverables/square.mp4", 1080, 1080, 14, -14, -1);

        // The logo, label and burned-in caption inside the reels safe area (8 % top, 12 % right, 20 % bottom, 6 %
        // left): against the portrait master's frame cut the same way, only pixels inside it changed. The end card
        // (all drawn) is checked pixel by pixel.
        List<BufferedImage> frames = Frames.at(reels, List.of(1.0, 13.0));
        int[] safe = {65, 154, 885, 1382};
        Path master = tmp.resolve("portrait-master.mp4");
        it.storage.download(prefix + "wide/final-portrait.mp4", master);
        BufferedImage plain = Frames.fit(Frames.at(master, 1.0), new FrameSize(1080, 1920),
                new Deliverables.Focus(0.3, 0.5));
        int[] changed = changed(plain, frames.get(0), safe);
        assertThat(changed[0]).as("pixels the logo, label and caption changed inside the safe area")
                .isGreaterThan(20_000);
        assertThat(changed[1]).as("pixels changed outside it (encoding noise allowed: under 0.1 %%)")
                .isLessThan(1080 * 1920 / 1000);
        int[] during = count(frames.get(0), safe);
        assertThat(during[0]).as("logo pixels inside the safe area").isGreaterThan(5_000);
        int[] card = count(frames.get(1), safe);
        assertThat(card[0]).as("the logo on the end card").isGreaterThan(5_000);
        assertThat(card[2]).as("the call to action").isGreaterThan(2_000);
        assertThat(card[1] + card[3]).as("logo or text outside the safe area of the end card").isZero();
        Color background = new Color(frames.get(1).getRGB(5, 5));
        assertThat(background.getGreen()).as("end card background").isBetween(120, 180);
        assertThat(background.getRed() + background.getBlue()).isLessThan(60);
        // Portrait placements are cut from the portrait master, landscape ones from the landscape master.
        assertThat(files.get("wide/reels").path("masterJobId").asText())
                .isNotEqualTo(files.get("wide/youtube").path("masterJobId").asText());

        // Captions: both formats, cues as given; the 6 s banner's second line ends at 6 s.
        String vtt = new String(it.storage.get(prefix + "wide/deliverables/reels.vtt"), StandardCharsets.UTF_8);
        assertThat(cues(vtt, '.')).containsExactly("00:00:00.500 00:00:03.000 Autumn roast &lt;new&gt; &amp; warm",
                "00:00:04.000 00:00:08.500 Two lines:|in every cup");
        String srt = new String(it.storage.get(prefix + "wide/deliverables/banner.srt"), StandardCharsets.UTF_8);
        assertThat(srt).startsWith("1\r\n00:00:00,500 --> 00:00:03,000\r\n");
        assertThat(cues(srt, ',')).as("the banner's picture ends at 4 s, before its end card")
                .containsExactly("00:00:00,500 00:00:03,000 Autumn roast <new> & warm");
        assertThat(files.get("tall/square").has("vttKey")).as("a shot without captions has no caption files").isFalse();

        // The manifest lists every file with what was measured.
        JsonNode manifest = JSON.readTree(it.storage.get(prefix + "manifest.json"));
        JsonNode wideShot = manifest.path("shots").get(0);
        assertThat(wideShot.path("state").asText()).isEqualTo("DELIVERED");
        assertThat(wideShot.path("placements")).extracting(JsonNode::asText).containsExactly("reels", "youtube",
                "banner");
        assertThat(wideShot.path("focus").path("x").asDouble()).isEqualTo(0.3);
        assertThat(manifest.path("brand").path("logoUrl").asText()).isEqualTo("inline");
        assertThat(manifest.path("brand").path("aiLabel").asBoolean()).isTrue();
        assertThat(it.storage.exists(manifest.path("brand").path("logoKey").asText())).as("the logo as used").isTrue();
        assertThat(wideShot.path("deliverables").get(0).path("burnedCaptions").asBoolean()).isTrue();
        for (JsonNode d : wideShot.path("deliverables")) {
            JsonNode event = files.get("wide/" + d.path("placement").asText());
            assertThat(d.path("sha256").asText()).isEqualTo(event.path("sha256").asText());
            assertThat(d.path("size").asText()).isEqualTo(event.path("size").asText());
            assertThat(d.path("integratedLufs").asDouble()).isEqualTo(event.path("integratedLufs").asDouble());
        }

        checkContentCredentials(prefix, manifest, files);

        // The batch's ZIP: every file and caption file, byte for byte, and the manifest.
        HttpResponse<InputStream> zip = http.send(HttpRequest.newBuilder(
                uri("/api/v1/batches/" + batchId + "/deliverables.zip")).header("Authorization", "Bearer " + KEY)
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Disposition")).hasValue(
                "attachment; filename=\"" + batchId + "-deliverables.zip\"");
        Map<String, String> digests = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(zip.body())) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                digests.put(entry.getName(), Hashing.sha256Hex(in.readAllBytes()));
            }
        }
        assertThat(digests.keySet()).contains("manifest.json", "wide/reels.mp4", "wide/reels.vtt", "wide/reels.srt",
                "wide/youtube.mp4", "wide/banner.mp4", "tall/feed-4x5.mp4", "tall/square.mp4")
                .doesNotContain("tall/square.vtt");
        assertThat(digests.get("wide/reels.mp4")).isEqualTo(files.get("wide/reels").path("sha256").asText());
        assertThat(digests.get("tall/square.mp4")).isEqualTo(files.get("tall/square").path("sha256").asText());
        assertThat(digests.get("wide/reels.vtt")).isEqualTo(Hashing.sha256Hex(vtt.getBytes(StandardCharsets.UTF_8)));

        // Another team cannot read it.
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(
                uri("/api/v1/batches/" + batchId + "/deliverables.zip")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(401);
    }

    /**
     * Every stored video (drafts, finals, placement files) carries content credentials that the C2PA reference
     * implementation validates and trusts under the service's root: made by the model, then what Reelflow did; the
     * manifest says each carries them; a copy changed by one byte fails.
     */
    private void checkContentCredentials(String prefix, JsonNode manifest, Map<String, JsonNode> files)
            throws Exception {
        List<String> keys = List.of("wide/draft-r1.mp4", "tall/draft-r1.mp4", "wide/final.mp4",
                "wide/final-portrait.mp4", "tall/final.mp4", "wide/deliverables/reels.mp4",
                "wide/deliverables/youtube.mp4", "wide/deliverables/banner.mp4", "tall/deliverables/feed-4x5.mp4",
                "tall/deliverables/square.mp4");
        List<Path> local = new java.util.ArrayList<>();
        for (String key : keys) {
            Path file = tmp.resolve("credentials-" + key.replace('/', '-'));
            it.storage.download(prefix + key, file);
            local.add(file);
        }
        Path tampered = tmp.resolve("credentials-tampered.mp4");
        byte[] reels = Files.readAllBytes(local.get(5));
        reels[reels.length / 3] ^= 0x01;
        Files.write(tampered, reels);
        local.add(tampered);
        List<JsonNode> read = io.reelflow.testkit.C2paReader.read(it.credentialsRoot(), local.toArray(Path[]::new));
        for (int i = 0; i < keys.size(); i++) {
            JsonNode r = read.get(i);
            assertThat(r.path("state").asText()).as(keys.get(i) + ": " + r).isEqualTo("Trusted");
            assertThat(r.path("failures")).as(keys.get(i)).isEmpty();
            assertThat(r.path("c2paTs").path("valid").asBoolean()).as(keys.get(i) + ": " + r.path("c2paTs")).isTrue();
            JsonNode actions = assertion(r, "c2pa.actions.v2").path("actions");
            assertThat(actions.get(0).path("action").asText()).isEqualTo("c2pa.created");
            assertThat(actions.get(0).path("digitalSourceType").asText()).endsWith("/trainedAlgorithmicMedia");
            assertThat(actions.get(0).path("softwareAgent").path("name").asText()).isEqualTo("local-preview (local)");
            JsonNode job = assertion(r, "io.reelflow.job");
            assertThat(job.path("team").asText()).isEqualTo(TEAM);
            assertThat(job.has("prompt")).as("the prompt is left out unless the campaign allows it").isFalse();
            List<String> names = new java.util.ArrayList<>();
            actions.forEach(a -> names.add(a.path("action").asText()));
            if (keys.get(i).contains("/deliverables/")) {
                assertThat(names).contains("c2pa.cropped", "c2pa.resized", "c2pa.placed", "c2pa.edited");
                // The master it was cut from, by its hash.
                String master = r.path("manifest").path("ingredients").get(0).path("description").asText();
                assertThat(it.db.count("select count(*) from job where 'sha256:' || sha256 = ?", master)).isEqualTo(1);
            } else {
                assertThat(r.path("manifest").path("ingredients").get(0).path("title").asText())
                        .startsWith("local result ");
            }
        }
        JsonNode broken = read.get(keys.size());
        assertThat(broken.path("state").asText()).isEqualTo("Invalid");
        assertThat(broken.path("failures").toString()).contains("assertion.bmffHash.mismatch");
        assertThat(broken.path("c2paTs").path("valid").asBoolean()).isFalse();
        for (JsonNode shot : manifest.path("shots")) {
            for (JsonNode d : shot.path("deliverables")) {
                assertThat(d.path("contentCredentials").path("present").asBoolean()).isTrue();
                assertThat(d.path("contentCredentials").path("manifest").asText()).startsWith("urn:c2pa:");
            }
        }
        assertThat(files.get("wide/reels").path("sha256").asText()).isEqualTo(Hashing.sha256Hex(local.get(5)));
    }

    private static JsonNode assertion(JsonNode read, String label) {
        for (JsonNode a : read.path("manifest").path("assertions")) {
            if (a.path("label").asText().equals(label)) {
                return a.path("data");
            }
        }
        throw new AssertionError("no " + label + " in " + read);
    }

    private Path checkFile(JsonNode event, String key, int width, int height, double seconds, double lufs,
            double ceiling) throws Exception {
        assertThat(event.path("objectKey").asText()).isEqualTo(key);
        Path file = tmp.resolve(key.replace('/', '_'));
        it.storage.download(key, file);
        assertThat(Hashing.sha256Hex(file)).isEqualTo(event.path("sha256").asText());
        assertThat(Files.size(file)).isEqualTo(event.path("sizeBytes").asLong());
        MediaProbe.Probe probe = MediaProbe.probe(file);
        assertThat(probe.width()).as(key).isEqualTo(width);
        assertThat(probe.height()).as(key).isEqualTo(height);
        assertThat(probe.seconds()).as(key).isBetween(seconds - 0.1, seconds + 0.1);
        assertThat(probe.videoCodec()).as(key).isEqualTo("h264");
        assertThat(probe.audioCodec()).as(key).isEqualTo("aac");
        Loudness.Measure measured = Loudness.measure(file);
        assertThat(measured.integratedLufs()).as(key + " loudness").isBetween(lufs - 1, lufs + 1);
        assertThat(measured.truePeakDbtp()).as(key + " true peak").isLessThanOrEqualTo(ceiling);
        assertThat(event.path("integratedLufs").asDouble()).isCloseTo(measured.integratedLufs(),
                org.assertj.core.data.Offset.offset(0.05));
        assertThat(event.path("size").asText()).isEqualTo(width + "x" + height);
        return file;
    }

    /** An inline PNG logo: a solid magenta 240x120 rectangle. */
    private static String magentaLogo() throws Exception {
        BufferedImage logo = new BufferedImage(240, 120, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = logo.createGraphics();
        g.setColor(Color.MAGENTA);
        g.fillRect(0, 0, 240, 120);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(logo, "png", png);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }

    /** Pixels that differ by more than 100 in a channel, inside and outside the rectangle {x, y, width, height}. */
    private static int[] changed(BufferedImage before, BufferedImage after, int[] safe) {
        int[] counts = new int[2];
        for (int y = 0; y < after.getHeight(); y++) {
            for (int x = 0; x < after.getWidth(); x++) {
                Color a = new Color(before.getRGB(x, y));
                Color b = new Color(after.getRGB(x, y));
                int diff = Math.max(Math.abs(a.getRed() - b.getRed()), Math.max(Math.abs(a.getGreen() - b.getGreen()),
                        Math.abs(a.getBlue() - b.getBlue())));
                if (diff > 100) {
                    boolean inside = x >= safe[0] && x < safe[0] + safe[2] && y >= safe[1] && y < safe[1] + safe[3];
                    counts[inside ? 0 : 1]++;
                }
            }
        }
        return counts;
    }

    /**
     * Magenta (logo) pixels inside and outside the rectangle {x, y, width, height}, then white (text) pixels inside
     * and outside it.
     */
    private static int[] count(BufferedImage image, int[] safe) {
        int[] counts = new int[4];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                Color c = new Color(image.getRGB(x, y));
                boolean inside = x >= safe[0] && x < safe[0] + safe[2] && y >= safe[1] && y < safe[1] + safe[3];
                if (c.getRed() > 200 && c.getBlue() > 200 && c.getGreen() < 60) {
                    counts[inside ? 0 : 1]++;
                } else if (c.getRed() > 200 && c.getGreen() > 200 && c.getBlue() > 200) {
                    counts[inside ? 2 : 3]++;
                }
            }
        }
        return counts;
    }

    /** The cues of a caption file as {@code start end text}, lines of a cue joined with {@code |}. */
    private static List<String> cues(String file, char decimal) {
        String d = Pattern.quote(String.valueOf(decimal));
        Matcher m = Pattern.compile("(\\d\\d:\\d\\d:\\d\\d" + d + "\\d{3}) --> (\\d\\d:\\d\\d:\\d\\d" + d
                + "\\d{3})\\r?\\n((?:.+\\r?\\n?)+)").matcher(file);
        List<String> cues = new ArrayList<>();
        while (m.find()) {
            cues.add(m.group(1) + " " + m.group(2) + " " + String.join("|", m.group(3).strip().split("\\r?\\n")));
        }
        return cues;
    }

    private JsonNode awaitEvent(String batchId, String type, String shotId) throws InterruptedException {
        JsonNode event = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> type.equals(e.path("type").asText())
                        && (shotId == null || shotId.equals(e.path("shotId").asText())), WAIT);
        assertThat(event).as("%s event for batch %s", type, batchId).isNotNull();
        return event;
    }

    /** The shot's {@code ShotDelivered}; a {@code ShotFailed} ends the wait at once, with its reason. */
    private JsonNode awaitDelivered(String batchId, String shotId) throws InterruptedException {
        JsonNode event = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> shotId.equals(e.path("shotId").asText())
                        && List.of("ShotDelivered", "ShotFailed").contains(e.path("type").asText()), WAIT);
        assertThat(event).as("ShotDelivered for %s", shotId).isNotNull();
        assertThat(event.path("type").asText()).as("%s: %s", shotId, event.path("reason").asText())
                .isEqualTo("ShotDelivered");
        return event;
    }

    private URI uri(String path) {
        return URI.create(service.baseUrl() + path);
    }
}
