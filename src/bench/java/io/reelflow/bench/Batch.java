package io.reelflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.localstack.LocalStack;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Database;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.TestData;
import io.reelflow.testkit.providers.OpenAiStandIn;
import io.smallrye.config.WithDefault;

/**
 * A campaign batch from its prompts to placement-ready files, end to end on one service instance: {@link #SHOTS}
 * landscape shots (default 100, {@code -Dbench.batch.shots}), each approved on sight, made into a landscape and a
 * portrait master and delivered on the four placements of {@link Memory#PLACEMENTS} (captions burnt into the
 * vertical ones, the AI label, an end card), every file signed. Drafts on {@code sora-2} and finals on
 * {@code sora-2-pro} at the OpenAI stand-in, each video taking 2-5 s there (real providers take minutes: the run
 * measures Reelflow's work, not a provider's). The service runs with its shipped settings, but for its delivery
 * threads when {@code -Dbench.batch.deliveryThreads} names a number.
 */
final class Batch {

    private static final int CORES = Runtime.getRuntime().availableProcessors();
    static final int SHOTS = Integer.getInteger("bench.batch.shots", 100);
    /** The delivery threads the shipped configuration gives an instance. */
    static final int SHIPPED_THREADS = Integer.parseInt(shippedDeliveryThreads());
    /** The delivery threads of the run: {@code -Dbench.batch.deliveryThreads}, else the shipped default. */
    static final int THREADS = System.getProperty("bench.batch.deliveryThreads", "").isBlank() ? SHIPPED_THREADS
            : Integer.parseInt(System.getProperty("bench.batch.deliveryThreads").strip());
    private static final Pattern FILE_LINE = Pattern.compile("pass\\(es\\) in (\\d+) ms");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Slow dolly in on a ceramic cup at golden hour, steam rising, soft window light.";

    /**
     * What the run did ({@code done}: every shot delivered on every placement) and where its time went: seconds from
     * the batch's publication to the last draft landed, the first final's job to the last final landed, the first
     * placement file's row to the last delivered, and in all; the files' own making (summed from the service's log
     * lines); the service's CPU over the run.
     */
    record Result(int shots, int threads, boolean done, int filesDelivered, int finalsLanded, double seconds, double drafts,
            double finalsFrom, double finalsTo, double filesFrom, double filesTo, long fileMillis, int fileLines,
            double serviceCpu) {
    }

    private Batch() {
    }

    static Result run() throws Exception {
        Path dir = BenchMain.freshDir("batch");
        String apiKey = "bench-" + HexFormat.of().formatHex(TestData.random(12));
        String database = "reelflow_bench_" + UUID.randomUUID().toString().substring(0, 8);
        int files = SHOTS * Memory.PLACEMENTS.size();
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(dir, database, true));
                OpenAiStandIn standIn = new OpenAiStandIn(apiKey, dir.resolve("stand-in"), null)) {
            standIn.shareRenders();
            standIn.latency(Duration.ofSeconds(2), Duration.ofSeconds(5));
            Database db = new Database(stack);
            Map<String, String> env = new HashMap<>(Memory.signing(stack, standIn, apiKey, dir));
            // Set even at the default: the service process inherits this one's environment.
            env.put("REELFLOW_DELIVERY_THREADS", Integer.toString(THREADS));
            Path log = dir.resolve("service.log");
            Files.deleteIfExists(log);
            try (ServiceProcess service = new ServiceProcess(env, log).start()) {
                double cpuBefore = Overhead.cpuSeconds(service.pid());
                Instant start = Instant.now();
                Kafka.send(stack.kafka(), "campaign-batches", "bench/batch", batch("batch"));
                Instant deadline = start.plus(Duration.ofMinutes(Math.max(30, SHOTS)));
                long delivered = 0;
                long ended = 0;
                while (ended < SHOTS && Instant.now().isBefore(deadline)) {
                    Thread.sleep(5000);
                    delivered = db.count("select count(*) from deliverable where state = 'DELIVERED'");
                    ended = db.count("select count(*) from shot where state in ('DELIVERED', 'FAILED', 'REJECTED')");
                    System.out.printf(Locale.ROOT, "batch: drafts landed %d, finals landed %d, placement files %d of %d,"
                            + " shots ended %d of %d after %d s%n", landed(db, "DRAFT"), landed(db, "FINAL"), delivered,
                            files, ended, SHOTS, Duration.between(start, Instant.now()).toSeconds());
                }
                double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
                double cpu = Overhead.cpuSeconds(service.pid()) - cpuBefore;
                Map<String, Object> times = db.query("select"
                        + " (select max(landed_at) from job where stage = 'DRAFT') as drafts_to,"
                        + " (select min(created_at) from job where stage = 'FINAL') as finals_from,"
                        + " (select max(landed_at) from job where stage = 'FINAL') as finals_to,"
                        + " (select min(created_at) from deliverable) as files_from,"
                        + " (select max(delivered_at) from deliverable) as files_to").get(0);
                long fileMillis = 0;
                int fileLines = 0;
                for (String line : Files.readAllLines(log)) {
                    Matcher m = FILE_LINE.matcher(line);
                    if (m.find()) {
                        fileMillis += Long.parseLong(m.group(1));
                        fileLines++;
                    }
                }
                long shotsDelivered = db.count("select count(*) from shot where state = 'DELIVERED'");
                return new Result(SHOTS, THREADS, shotsDelivered == SHOTS && delivered == files, (int) delivered,
                        (int) landed(db, "FINAL"), seconds, since(start, times.get("drafts_to")),
                        since(start, times.get("finals_from")), since(start, times.get("finals_to")),
                        since(start, times.get("files_from")), since(start, times.get("files_to")), fileMillis,
                        fileLines, cpu);
            }
        }
    }

    static String report(Result r) {
        int files = r.shots() * Memory.PLACEMENTS.size();
        return String.format(Locale.ROOT, """
                %d landscape shots in one batch (`-Dbench.batch.shots=%d`), each approved on sight, made into a \
                landscape and a portrait master (12 s, 1792x1024 and 1024x1792, `sora-2-pro` from the approved frame) \
                and delivered on %s (captions burnt into `reels` and `feed-4x5`, the AI label, a 2 s end card, \
                loudness to the placement's target), every file signed: %d placement files. Drafts and finals are \
                made by the OpenAI stand-in in 2-5 s each (real providers take minutes; this measures Reelflow's own \
                work). One service instance with its shipped settings %s, on the embedded stack.

                | Part | From (s after the batch was published) | To | Wall time |
                |---|---:|---:|---:|
                | drafts: the batch taken in, every draft made and landed | 0.0 | %.1f | %.1f s |
                | finals: the first final's job to the last final landed | %.1f | %.1f | %.1f s |
                | placement files: the first file's row to the last delivered | %.1f | %.1f | %.1f s |
                | **in all**, to every shot delivered on every placement | 0.0 | %.1f | **%.1f s** (%s) |

                %s. Placement files delivered: %d of %d; finals landed: %d. The files' own making (reframe, dress, \
                measure loudness, encode, sign; from the service's log line for each file): %d files, %.1f s in \
                all, %.2f s a file; %s. The service's CPU over the run: %.0f s (%.1f s a shot), of the %.0f \
                CPU-seconds the machine's %d cores gave the run's wall time.
                """, r.shots(), r.shots(), String.join(", ", Memory.PLACEMENTS.stream().map(p -> "`" + p + "`").toList()),
                files, threads(r), r.drafts(), r.drafts(), r.finalsFrom(), r.finalsTo(), r.finalsTo() - r.finalsFrom(),
                r.filesFrom(), r.filesTo(), r.filesTo() - r.filesFrom(), r.seconds(), r.seconds(),
                minutes(r.seconds()), r.done() ? "Every shot delivered" : "NOT every shot delivered before the deadline",
                r.filesDelivered(), files, r.finalsLanded(), r.fileLines(), r.fileMillis() / 1000.0,
                perFile(r), r.threads() == 1
                        ? "the one delivery thread makes one at a time, so those seconds are the third row's floor"
                        : String.format(Locale.ROOT, "%d delivery threads make %d at a time, so those seconds over"
                                + " %d (%.1f s) are the third row's floor", r.threads(), r.threads(), r.threads(),
                                r.fileMillis() / 1000.0 / r.threads()),
                r.serviceCpu(), r.serviceCpu() / r.shots(), CORES * r.seconds(), CORES);
    }

    static String summary(Result r) {
        return String.format(Locale.ROOT, "%d shots, %d placement files: %s in all (drafts %.0f s, finals to %.0f s,"
                + " files to %.0f s; %.2f s a file on %s)%s", r.shots(),
                r.shots() * Memory.PLACEMENTS.size(), minutes(r.seconds()), r.drafts(), r.finalsTo(), r.filesTo(),
                perFile(r), deliveryThreads(r), r.done() ? "" : "; NOT all delivered");
    }

    private static double perFile(Result r) {
        return r.fileLines() == 0 ? 0 : r.fileMillis() / 1000.0 / r.fileLines();
    }

    private static String deliveryThreads(Result r) {
        return r.threads() == 1 ? "one delivery thread" : r.threads() + " delivery threads";
    }

    private static String threads(Result r) {
        return r.threads() == SHIPPED_THREADS ? "(" + deliveryThreads(r) + ")"
                : "but for its delivery threads (" + deliveryThreads(r) + ", `-Dbench.batch.deliveryThreads`;"
                        + " shipped: " + SHIPPED_THREADS + ")";
    }

    /** The shipped default of {@code reelflow.delivery.threads}, read from the configuration's declaration. */
    private static String shippedDeliveryThreads() {
        try {
            return ReelflowConfig.Delivery.class.getMethod("threads").getAnnotation(WithDefault.class).value();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("reelflow.delivery.threads is no longer declared", e);
        }
    }

    /** A batch of {@link #SHOTS} shots dressed as {@link Memory}'s delivered one. */
    private static String batch(String batchId) throws Exception {
        ObjectNode batch = (ObjectNode) JSON.readTree(BenchMain.batch("bench", "batch", batchId, "sora-2",
                "sora-2-pro", SHOTS, i -> PROMPT + " Take " + (i + 1) + "."));
        ObjectNode defaults = (ObjectNode) batch.path("defaults");
        defaults.put("reviewPolicy", "approve-all");
        ArrayNode placements = defaults.putArray("deliverables");
        for (String placement : Memory.PLACEMENTS) {
            if (placement.equals("reels") || placement.equals("feed-4x5")) {
                placements.addObject().put("name", placement).put("burnCaptions", true);
            } else {
                placements.add(placement);
            }
        }
        for (var shot : batch.path("shots")) {
            ArrayNode captions = ((ObjectNode) shot).putArray("captions");
            captions.addObject().put("start", 0.5).put("end", 4).put("text", "Slow mornings");
            captions.addObject().put("start", 5).put("end", 9.5).put("text", "in every cup");
        }
        batch.putObject("brand").put("aiLabel", true).putObject("endCard").put("seconds", 2)
                .put("text", "acme.example").put("background", "#203040");
        return batch.toString();
    }

    private static long landed(Database db, String stage) {
        return db.count("select count(*) from job where stage = ? and state = 'LANDED'", stage);
    }

    private static double since(Instant start, Object at) {
        if (at == null) {
            return Double.NaN;
        }
        return Duration.between(start, Promotion.instant(at)).toMillis() / 1000.0;
    }

    private static String minutes(double seconds) {
        return String.format(Locale.ROOT, "%d min %02d s", (long) seconds / 60, (long) seconds % 60);
    }
}
