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
    /** The first decisions meet a service that has not yet run this path (JIT, first provider connection). */
    static final int WARM = 50;
    /**
     * With {@code -Dbench.look=re-roll} the final model is told it takes no image, so finals are fresh rolls of the
     * prompt as before finals started from the approved frame: the decision path alone, for comparisons.
     */
    static final boolean REROLL = "re-roll".equals(System.getProperty("bench.look", "carried"));
    /** How long finals may land after the decisions (reported, not measured: landing is not the path timed). */
    static final Duration LANDING_WAIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Slow dolly in on a ceramic cup at golden hour, steam rising, soft window light. ";

    /** Latencies in the order the decisions were published. */
    record Result(int decisions, int perSecond, List<Double> millis, long finalsLanded, Map<String, Double> profile) {
        double percentile(double p) {
            return percentile(p, 0);
        }

        /** The percentile over the decisions after the first {@code skip}. */
        double percentile(double p, int skip) {
            List<Double> sorted = millis.subList(Math.min(skip, millis.size()), millis.size()).stream().sorted().toList();
            int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }
    }

    private Promotion() {
    }

    static Result run() throws Exception {
        Path dir = Path.of("target", "bench", "promotion").toAbsolutePath();
        Files.createDirectories(dir);
        String apiKey = "bench-" + HexFormat.of().formatHex(TestData.random(12));
        String database = "reelflow_bench_" + UUID.randomUUID().toString().substring(0, 8);
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(dir, database, true));
                OpenAiStandIn standIn = new OpenAiStandIn(apiKey, dir.resolve("stand-in"), null)) {
            standIn.shareRenders();
            // A final takes minutes at a real provider; a minute or so here keeps the finals' landings (1024p,
            // 12 s) out of the window in which the decisions arrive, so the decision path itself is measured.
            standIn.latency(Duration.ofSeconds(60), Duration.ofSeconds(90));
            Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
            env.putAll(Map.of("REELFLOW_PROVIDERS_OPENAI_BASE_URL", standIn.baseUrl() + "/v1",
                    "REELFLOW_PROVIDERS_OPENAI_API_KEY", apiKey,
                    "REELFLOW_LOCAL_SHARED_RENDERS", "true",
                    "REELFLOW_LOCAL_SPOOL_DIR", dir.resolve("spool").toString(),
                    "REELFLOW_MODELS_LOCAL_PREVIEW_MAX_CONCURRENT_JOBS", "64",
                    "REELFLOW_WORKER_CONCURRENCY", "8",
                    "REELFLOW_STORAGE_WORK_DIR", dir.resolve("work").toString(),
                    "JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,filename="
                            + dir.resolve("service.jfr")));
            Database db = new Database(stack);
            // The measure is Reelflow's path, not the provider's capacity: no cap is reached. (An environment
            // variable cannot name sora-2-pro unambiguously; a system property can.)
            try (ServiceProcess service = new ServiceProcess(env, dir.resolve("service.log"))
                    .jvmOptions("-Dreelflow.models.sora-2-pro.max-concurrent-jobs=2000",
                            "-Dreelflow.models.sora-2-pro.reference-image=" + !REROLL).start()) {
                for (int b = 0; b < DECISIONS / 500; b++) {
                    int bi = b;
                    Kafka.send(stack.kafka(), "campaign-batches", "bench/p" + b, BenchMain.batch("bench", "promotion",
                            "p" + b, "local-preview", "sora-2-pro", 500, i -> PROMPT + marker("p" + bi, i)));
                }
                long waiting = 0;
                Instant start = Instant.now();
                while (waiting < DECISIONS) {
                    Thread.sleep(1000);
                    waiting = db.count("select count(*) from shot where state = 'AWAITING_REVIEW'");
                    System.out.printf("promotion: %d of %d drafts awaiting review after %d s%n", waiting, DECISIONS,
                            Duration.between(start, Instant.now()).toSeconds());
                }
                Map<String, Instant> published = new ConcurrentHashMap<>();
                Properties p = stack.kafka().clientProperties();
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                        new StringSerializer())) {
                    producer.partitionsFor("draft-reviews");
                    long pace = 1_000_000_000L / PER_SECOND;
                    long next = System.nanoTime();
                    for (int i = 0; i < DECISIONS; i++) {
                        String batchId = "p" + (i / 500);
                        String shotId = String.format("s%04d", i % 500 + 1);
                        while (System.nanoTime() < next) {
                            Thread.onSpinWait();
                        }
                        next += pace;
                        published.put(marker(batchId, i % 500), Instant.now());
                        producer.send(new ProducerRecord<>("draft-reviews", "bench/" + batchId + "/" + shotId,
                                approve(batchId, shotId)));
                    }
                }
                Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
                while (standIn.createCalls("Promote ").size() < DECISIONS && Instant.now().isBefore(deadline)) {
                    Thread.sleep(500);
                }
                Map<String, StandInServer.CreateCall> calls = new HashMap<>();
                for (StandInServer.CreateCall call : standIn.createCalls("Promote ")) {
                    if ("sora-2-pro".equals(call.details().get("model"))) {
                        calls.putIfAbsent(call.prompt().substring(call.prompt().indexOf("Promote ")), call);
                    }
                }
                // In the order the decisions were published.
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < DECISIONS; i++) {
                    String marker = marker("p" + (i / 500), i % 500);
                    StandInServer.CreateCall call = calls.get(marker);
                    if (call != null) {
                        millis.add(Duration.between(published.get(marker), call.at()).toNanos() / 1_000_000.0);
                    }
                }
                Instant firstPublished = published.values().stream().min(Instant::compareTo).orElseThrow();
                Instant lastCreate = calls.values().stream().map(StandInServer.CreateCall::at)
                        .max(Instant::compareTo).orElseThrow();
                long landed = 0;
                deadline = Instant.now().plus(LANDING_WAIT);
                while (landed < DECISIONS && Instant.now().isBefore(deadline)) {
                    Thread.sleep(1000);
                    landed = db.count("select count(*) from job where stage = 'FINAL' and state = 'LANDED'");
                }
                service.stop();
                return new Result(DECISIONS, PER_SECOND, millis, landed,
                        Profile.shares(dir.resolve("service.jfr"), firstPublished, lastCreate));
            }
        }
    }

    static String report(Result r) {
        return String.format(Locale.ROOT, """
                %,d drafts made by the `local` provider and awaiting review; then %,d `approve` decisions published \
                on `draft-reviews` at %d a second (one Kafka producer, `acks=all`); each final (`sora-2-pro`, 12 s, \
                1792x1024) is created at the OpenAI stand-in, which times the create call's arrival. The model cap is \
                set out of reach and the stand-in takes 60-90 s per final, so that the path, not the provider's capacity \
                or the landing of finished finals, is measured; one service instance, 8 worker threads, 4 decision \
                consumers.

                | Decisions | Create calls timed | p50 | p90 | p99 | Max | Finals landed %d min later |
                |---|---:|---:|---:|---:|---:|---:|
                | all %,d | %,d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %,d |
                | after the first %d | %,d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | |

                ![Decision to create call](benchmarks-promotion.svg)

                Where the service's CPU went from the first decision published to the last create call (Java Flight \
                Recorder samples, FFmpeg's and the JDK image codecs' native work included):

                | Part | Share of samples |
                |---|---:|
                %s
                """, r.decisions(), r.decisions(), r.perSecond(), LANDING_WAIT.toMinutes(), r.decisions(),
                r.millis().size(), r.percentile(50),
                r.percentile(90), r.percentile(99), r.percentile(100), r.finalsLanded(), WARM,
                r.millis().size() - WARM, r.percentile(50, WARM), r.percentile(90, WARM), r.percentile(99, WARM),
                r.percentile(100, WARM), Profile.table(r.profile(), 10).strip());
    }


    static String chart(Result r) {
        List<String> labels = List.of("all: p50", "all: p90", "all: p99", "all: max", "after the first " + WARM + ": p50",
                "after the first " + WARM + ": p90", "after the first " + WARM + ": p99",
                "after the first " + WARM + ": max");
        List<Double> values = List.of(r.percentile(50), r.percentile(90), r.percentile(99), r.percentile(100),
                r.percentile(50, WARM), r.percentile(90, WARM), r.percentile(99, WARM), r.percentile(100, WARM));
        return Svg.bars("approve decision on draft-reviews to the final's create call (ms)", labels, values, "ms", 250,
                "goal p99 250 ms");
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
