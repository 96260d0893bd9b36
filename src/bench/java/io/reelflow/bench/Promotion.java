package io.reelflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.LocalStack;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Database;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.TestData;
import io.reelflow.testkit.providers.OpenAiStandIn;
import io.reelflow.testkit.providers.StandInServer;

/**
 * Benchmark 4: from an {@code approve} decision published on {@code draft-reviews} to the final's create call
 * arriving at the provider. 1,000 drafts are made by the {@code local} provider and left awaiting review; then
 * 1,000 approvals are published at a steady pace and the OpenAI stand-in times each final's create call.
 */
final class Promotion {

    static final int DECISIONS = 1000;
    static final int PER_SECOND = 20;
    /**
     * Approvals published first and timed apart: the service's first finals, while the JIT compiles the path and
     * FFmpeg makes its first frames. Once their finals have landed, the timed decisions start as before, with the
     * model's slots all free, in a warmed process.
     */
    static final int WARM_UP = 50;
    /**
     * With {@code -Dbench.look=re-roll} the final model is told it takes no image, so finals are fresh rolls of the
     * prompt as before finals started from the approved frame: the decision path alone, for comparisons.
     */
    static final boolean REROLL = "re-roll".equals(System.getProperty("bench.look", "carried"));
    /**
     * How long the finals' create calls may take after the decisions: at the default cap and while landing bounds the
     * pace (no final is started while finished ones queue to be landed), about as long as landing all of them.
     */
    static final Duration CREATE_WAIT = Duration.ofMinutes(13);
    /** How long finals may land after the decisions (reported, not measured: landing is not the path timed). */
    static final Duration LANDING_WAIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Slow dolly in on a ceramic cup at golden hour, steam rising, soft window light. ";

    /**
     * Per decision, in the order published (milliseconds): to the final's job row (the decision path), from there to
     * the claim that found its model a free slot (the queue behind the cap), from there to {@code SUBMITTING} (the
     * start frame, the reservation), from there to the create call's arrival, Reelflow's own path (the decision path
     * and everything after the claim), and in all.
     */
    record Result(int decisions, int perSecond, int cap, List<Double> millis, List<Double> decision,
            List<Double> queued, List<Double> prepared, List<Double> call, List<Double> path, long finalsLanded,
            List<Double> warmUpPath, List<String> slowest) {
        double percentile(double p) {
            return percentile(millis, p, 0);
        }

        static double percentile(List<Double> values, double p, int skip) {
            List<Double> sorted = values.subList(Math.min(skip, values.size()), values.size()).stream().sorted()
                    .toList();
            int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }
    }

    private Promotion() {
    }

    static Result run() throws Exception {
        Path dir = BenchMain.freshDir("promotion");
        String apiKey = "bench-" + HexFormat.of().formatHex(TestData.random(12));
        String database = "reelflow_bench_" + UUID.randomUUID().toString().substring(0, 8);
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(dir, database, true));
                OpenAiStandIn standIn = new OpenAiStandIn(apiKey, dir.resolve("stand-in"), null)) {
            standIn.shareRenders();
            // At the model's default cap the finals queue behind it; videos of 2-5 s keep the queue moving so every
            // final is created within minutes, and the queue is measured apart from the decision path.
            standIn.latency(Duration.ofSeconds(2), Duration.ofSeconds(5));
            Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
            env.putAll(Map.of("REELFLOW_PROVIDERS_OPENAI_BASE_URL", standIn.baseUrl() + "/v1",
                    "REELFLOW_PROVIDERS_OPENAI_API_KEY", apiKey,
                    "REELFLOW_LOCAL_SHARED_RENDERS", "true",
                    "REELFLOW_LOCAL_SPOOL_DIR", dir.resolve("spool").toString(),
                    "REELFLOW_MODELS_LOCAL_PREVIEW_MAX_CONCURRENT_JOBS", "64",
                    "REELFLOW_WORKER_CONCURRENCY", "8",
                    "REELFLOW_STORAGE_WORK_DIR", dir.resolve("work").toString()));
            Database db = new Database(stack);
            // The model's default cap (no profiler attached: the path is timed, not sampled). An environment variable
            // cannot name sora-2-pro unambiguously; a system property can.
            // The create step's timing lines (its picture, its reservation) for the slowest decisions' account.
            try (ServiceProcess service = new ServiceProcess(env, dir.resolve("service.log"))
                    .jvmOptions("-Dreelflow.models.sora-2-pro.reference-image=" + !REROLL,
                            "-Dquarkus.log.category.\"io.reelflow.job.JobStepper\".level=DEBUG",
                            "-Dquarkus.log.category.\"io.reelflow.storage.ResultLanding\".level=DEBUG").start()) {
                for (int b = 0; b < DECISIONS / 500; b++) {
                    int bi = b;
                    Kafka.send(stack.kafka(), "campaign-batches", "bench/p" + b, BenchMain.batch("bench", "promotion",
                            "p" + b, "local-preview", "sora-2-pro", 500, i -> PROMPT + marker("p" + bi, i)));
                }
                Kafka.send(stack.kafka(), "campaign-batches", "bench/w", BenchMain.batch("bench", "promotion", "w",
                        "local-preview", "sora-2-pro", WARM_UP, i -> PROMPT + marker("w", i)));
                long waiting = 0;
                Instant start = Instant.now();
                while (waiting < DECISIONS + WARM_UP) {
                    Thread.sleep(1000);
                    waiting = db.count("select count(*) from shot where state = 'AWAITING_REVIEW'");
                    System.out.printf("promotion: %d of %d drafts awaiting review after %d s%n", waiting,
                            DECISIONS + WARM_UP, Duration.between(start, Instant.now()).toSeconds());
                }
                Map<String, Instant> published = new ConcurrentHashMap<>();
                Properties p = stack.kafka().clientProperties();
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                        new StringSerializer())) {
                    producer.partitionsFor("draft-reviews");
                    publish(producer, WARM_UP, i -> "w", i -> i, published);
                    Instant warmDeadline = Instant.now().plus(Duration.ofMinutes(5));
                    long warmLanded = 0;
                    while (warmLanded < WARM_UP && Instant.now().isBefore(warmDeadline)) {
                        Thread.sleep(500);
                        warmLanded = db.count("select count(*) from job j join shot s on s.id = j.shot_id"
                                + " join batch b on b.id = s.batch_id where b.batch_key = 'w' and j.stage = 'FINAL'"
                                + " and j.state = 'LANDED'");
                    }
                    System.out.printf("promotion: %d of %d warm-up finals landed%n", warmLanded, WARM_UP);
                    publish(producer, DECISIONS, i -> "p" + (i / 500), i -> i % 500, published);
                }
                Instant deadline = Instant.now().plus(CREATE_WAIT);
                while (models(standIn, "sora-2-pro").size() < WARM_UP + DECISIONS && Instant.now().isBefore(deadline)) {
                    Thread.sleep(500);
                }
                Map<String, StandInServer.CreateCall> calls = models(standIn, "sora-2-pro");
                Map<String, Instant[]> rows = new HashMap<>();
                Map<String, String> frameKeys = new HashMap<>();
                for (Map<String, Object> row : db.query("select b.batch_key, s.shot_key, j.created_at, j.claimed_at,"
                        + " j.submitted_at, j.start_frame_key"
                        + " from job j join shot s on s.id = j.shot_id join batch b on b.id = s.batch_id"
                        + " where j.stage = 'FINAL'")) {
                    int index = Integer.parseInt(((String) row.get("shot_key")).substring(1)) - 1;
                    rows.put(marker((String) row.get("batch_key"), index), new Instant[] {instant(row.get("created_at")),
                            instant(row.get("claimed_at")), instant(row.get("submitted_at"))});
                    frameKeys.put(marker((String) row.get("batch_key"), index), (String) row.get("start_frame_key"));
                }
                // In the order the decisions were published.
                List<Double> millis = new ArrayList<>();
                List<Double> decision = new ArrayList<>();
                List<Double> queued = new ArrayList<>();
                List<Double> prepared = new ArrayList<>();
                List<Double> call = new ArrayList<>();
                List<Double> path = new ArrayList<>();
                Map<String, Double> pathOf = new HashMap<>();
                for (int i = 0; i < DECISIONS; i++) {
                    String marker = marker("p" + (i / 500), i % 500);
                    StandInServer.CreateCall created = calls.get(marker);
                    Instant[] row = rows.get(marker);
                    if (created == null || row == null || row[1] == null || row[2] == null) {
                        continue;
                    }
                    Instant at = published.get(marker);
                    millis.add(ms(at, created.at()));
                    decision.add(ms(at, row[0]));
                    queued.add(ms(row[0], row[1]));
                    prepared.add(ms(row[1], row[2]));
                    call.add(ms(row[2], created.at()));
                    path.add(reelflowPath(at, row, created));
                    pathOf.put(marker, path.get(path.size() - 1));
                }
                List<Double> warmUpPath = new ArrayList<>();
                for (int i = 0; i < WARM_UP; i++) {
                    String marker = marker("w", i);
                    StandInServer.CreateCall created = calls.get(marker);
                    Instant[] row = rows.get(marker);
                    if (created != null && row != null && row[1] != null) {
                        warmUpPath.add(reelflowPath(published.get(marker), row, created));
                    }
                }
                long landed = 0;
                deadline = Instant.now().plus(LANDING_WAIT);
                while (landed < DECISIONS && Instant.now().isBefore(deadline)) {
                    Thread.sleep(1000);
                    landed = db.count("select count(*) from job j join shot s on s.id = j.shot_id"
                            + " join batch b on b.id = s.batch_id where b.batch_key <> 'w' and j.stage = 'FINAL'"
                            + " and j.state = 'LANDED'");
                }
                int cap = BenchMain.shippedConfig().models().get("sora-2-pro").maxConcurrentJobs();
                service.stop();
                List<String> slowest = slowest(pathOf, published, rows, frameKeys, calls,
                        Files.readAllLines(dir.resolve("service.log")));
                return new Result(DECISIONS, PER_SECOND, cap, millis, decision, queued, prepared, call, path, landed,
                        warmUpPath, slowest);
            }
        }
    }

    static String report(Result r) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, """
                %,d drafts made by the `local` provider and awaiting review; then %,d `approve` decisions published \
                on `draft-reviews` at %d a second (one Kafka producer, `acks=all`); each final (`sora-2-pro`, 12 s, \
                1792x1024, from the approved frame) is created at the OpenAI stand-in, which times the create call's \
                arrival (its request received whole, before the stand-in's own checks of it) and takes 2-5 s per \
                video. The model is at its default cap (%s), so most finals wait behind \
                it: that wait (from the final's job row to the claim that found a free slot) is reported apart; \
                Reelflow's own path is the decision path and everything from that claim to the create call. Before \
                the timed decisions, %d approvals warm the process up (the service's first finals, while the JIT \
                compiles the path; their path is the last row), and their finals land. One \
                service instance, 8 worker threads, 4 decision consumers, no profiler attached.

                | Part | Decisions timed | p50 | p90 | p99 | Max |
                |---|---:|---:|---:|---:|---:|
                """, r.decisions(), r.decisions(), r.perSecond(), r.cap() + " in flight", r.warmUpPath().size()));
        row(out, "decision path: published to the final's job row", r.decision());
        row(out, "behind the cap: job row to the claim with a free slot", r.queued());
        row(out, "claim to `SUBMITTING` (the start frame, the reservation)", r.prepared());
        row(out, "the create call: `SUBMITTING` to its arrival at the provider", r.call());
        row(out, "**Reelflow's path**: the decision path and claim to create call", r.path());
        row(out, "in all: published to the create call", r.millis());
        row(out, "warm-up, before the timed decisions: the service's first finals, Reelflow's path", r.warmUpPath());
        out.append(String.format(Locale.ROOT, """

                Finals landed %d min after the last create call: %,d of %,d.

                ![Decision to create call](benchmarks-promotion.svg)

                The slowest 1 %% of the timed decisions by Reelflow's path, and the service's timing lines of their \
                create steps (the step calling the provider so long after it began, its picture; the start frame \
                read back from storage or made, and its parts):

                ```
                %s
                ```
                """, LANDING_WAIT.toMinutes(), r.finalsLanded(), r.decisions(), String.join("\n", r.slowest())));
        return out.toString();
    }

    private static void row(StringBuilder out, String part, List<Double> values) {
        if (values.isEmpty()) {
            out.append("| ").append(part).append(" | 0 | | | | |\n");
            return;
        }
        out.append(String.format(Locale.ROOT, "| %s | %,d | %.0f ms | %.0f ms | %.0f ms | %.0f ms |%n", part,
                values.size(), Result.percentile(values, 50, 0), Result.percentile(values, 90, 0),
                Result.percentile(values, 99, 0), Result.percentile(values, 100, 0)));
    }

    static String chart(Result r) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (double p : new double[] {50, 90, 99, 100}) {
            String name = p == 100 ? "max" : "p" + (int) p;
            labels.add("decision path: " + name);
            values.add(Result.percentile(r.decision(), p, 0));
        }
        for (double p : new double[] {50, 90, 99, 100}) {
            String name = p == 100 ? "max" : "p" + (int) p;
            labels.add("Reelflow's path: " + name);
            values.add(Result.percentile(r.path(), p, 0));
        }
        return Svg.bars("Reelflow's own path from an approve decision to the final's create call, and the decision"
                + " path within it (ms; the queue behind the cap left out)", labels, values, "ms", 250,
                "goal p99 250 ms");
    }

    /**
     * Reelflow's own path of one decision (ms): published to the final's job row, then the claim that found a free
     * slot to the create call's arrival ({@code row}: created, claimed, submitted).
     */
    private static double reelflowPath(Instant published, Instant[] row, StandInServer.CreateCall created) {
        return ms(published, row[0]) + ms(row[1], created.at());
    }

    /**
     * The slowest 1 % of the timed decisions by Reelflow's path, slowest first: each one's parts and the service's
     * timing lines of its create step (when the step began calling and its picture; the start frame read back or
     * made, and where that time went).
     */
    private static List<String> slowest(Map<String, Double> pathOf, Map<String, Instant> published,
            Map<String, Instant[]> rows, Map<String, String> frameKeys, Map<String, StandInServer.CreateCall> calls,
            List<String> log) {
        List<String> out = new ArrayList<>();
        pathOf.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(Math.max(1, pathOf.size() / 100)).forEach(e -> {
                    String marker = e.getKey();
                    Instant[] row = rows.get(marker);
                    String shot = marker.substring("Promote ".length(), marker.length() - 1);
                    String batch = shot.substring(0, shot.indexOf('-'));
                    String label = String.format(Locale.ROOT, "bench/%s/s%04d final", batch,
                            Integer.parseInt(shot.substring(shot.indexOf('-') + 1)) + 1);
                    out.add(String.format(Locale.ROOT, "%s: path %.0f ms = decision %.0f + claim to SUBMITTING %.0f"
                            + " + call %.0f (behind the cap %.0f ms, not counted)", shot, e.getValue(),
                            ms(published.get(marker), row[0]), ms(row[1], row[2]), ms(row[2], calls.get(marker).at()),
                            ms(row[0], row[1])));
                    String frameKey = frameKeys.get(marker);
                    for (String line : log) {
                        if ((line.contains(label) && line.contains(": calling "))
                                || (frameKey != null && line.contains("start frame " + frameKey + ":"))) {
                            out.add("    " + line.strip());
                        }
                    }
                });
        return out;
    }

    private static double ms(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1_000_000.0;
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof java.sql.Timestamp t ? t.toInstant() : ((java.time.OffsetDateTime) value).toInstant();
    }

    /** Publishes {@code count} approvals at {@link #PER_SECOND}, noting when each was sent. */
    private static void publish(KafkaProducer<String, String> producer, int count, IntFunction<String> batch,
            IntUnaryOperator shot, Map<String, Instant> published) {
        long pace = 1_000_000_000L / PER_SECOND;
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String batchId = batch.apply(i);
            int index = shot.applyAsInt(i);
            String shotId = String.format("s%04d", index + 1);
            // Parked, not spinning, until the next send is due: a spinning publisher would take one of the
            // machine's two cores from the service for the whole minute of decisions.
            for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            next += pace;
            published.put(marker(batchId, index), Instant.now());
            producer.send(new ProducerRecord<>("draft-reviews", "bench/" + batchId + "/" + shotId,
                    approve(batchId, shotId)));
        }
    }

    /** The first create call of each final of {@code model}, by marker. */
    private static Map<String, StandInServer.CreateCall> models(OpenAiStandIn standIn, String model) {
        Map<String, StandInServer.CreateCall> calls = new HashMap<>();
        for (StandInServer.CreateCall call : standIn.createCalls("Promote ")) {
            if (model.equals(call.details().get("model"))) {
                calls.putIfAbsent(call.prompt().substring(call.prompt().indexOf("Promote ")), call);
            }
        }
        return calls;
    }

    private static String marker(String batchId, int index) {
        return "Promote " + batchId + "-" + index + ".";
    }

    private static String approve(String batchId, String shotId) {
        ObjectNode d = JSON.createObjectNode();
        d.put("decisionId", "approve-" + batchId + "-" + shotId);
        d.put("team", "bench");
        d.put("campaign", "promotion");
        d.put("batchId", batchId);
        d.put("shotId", shotId);
        d.put("revision", 1);
        d.put("decision", "approve");
        d.put("reviewer", "bench");
        return d.toString();
    }
}
