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
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.LocalStack;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Database;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.Storage;
import io.reelflow.testkit.TestData;
import io.reelflow.testkit.providers.OpenAiStandIn;

/**
 * Benchmark 3: landing results of 10 MB, 100 MB and 1 GB with the service's heap capped at 256 MB, then one shot
 * delivered whole under the same cap (its two 12-s masters landed and its four placement files cut, each signed).
 * Each run is a fresh service process (so its peaks are that run's) fed by the OpenAI stand-in, which serves real
 * MP4s (padded with a {@code free} box to the size for the landings). Peak heap comes from the GC log (heap in use
 * before each collection, and the most still live after one), peak resident memory from the kernel ({@code VmHWM}).
 */
final class Memory {

    static final long MB = 1024L * 1024;
    static final long[] SIZES = {10 * MB, 100 * MB, 1024 * MB};
    static final String HEAP = "-Xmx256m";
    private static final Pattern GC_LINE = Pattern.compile("Pause .*? (\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** The four placements a campaign runs on, delivered from one shot in the last run. */
    static final List<String> PLACEMENTS = List.of("reels", "feed-4x5", "square", "youtube");

    /** One run: what it landed or delivered ({@code result}), and the memory it took. */
    record Landing(String result, double seconds, boolean landed, long storedBytes, int collections, long peakHeapMb,
            long peakLiveMb, long committedHeapMb, long idleRssMb, long peakRssMb) {
    }

    private Memory() {
    }

    static List<Landing> run() throws Exception {
        Path dir = BenchMain.freshDir("memory");
        String apiKey = "bench-" + HexFormat.of().formatHex(TestData.random(12));
        String database = "reelflow_bench_" + UUID.randomUUID().toString().substring(0, 8);
        List<Landing> landings = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(dir, database, true));
                OpenAiStandIn standIn = new OpenAiStandIn(apiKey, dir.resolve("stand-in"), null);
                Storage storage = new Storage(stack)) {
            Database db = new Database(stack);
            Map<String, String> env = signing(stack, standIn, apiKey, dir);
            for (long size : SIZES) {
                standIn.padResults(size);
                String label = size / MB + "mb";
                landings.add(measure(size / MB + " MB result", dir, label, env, () -> {
                    Kafka.send(stack.kafka(), "campaign-batches", "bench/" + label, BenchMain.batch("bench", "memory",
                            label, "sora-2", null, 1, i -> PROMPT));
                    return awaitLanded(db, storage, label);
                }));
            }
            standIn.padResults(0);
            landings.add(measure("one shot delivered: two 12 s masters, " + PLACEMENTS.size() + " placement files",
                    dir, "delivered", env, () -> {
                        Kafka.send(stack.kafka(), "campaign-batches", "bench/delivered", delivered("delivered"));
                        return awaitDelivered(db, "delivered");
                    }));
        }
        return landings;
    }

    /**
     * The service's environment on {@code stack} with the OpenAI stand-in as its provider, landing as in production:
     * signed with content credentials (a throwaway certificate), the last step before upload.
     */
    static Map<String, String> signing(LocalStack stack, OpenAiStandIn standIn, String apiKey, Path dir) {
        Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
        env.putAll(Map.of("REELFLOW_PROVIDERS_OPENAI_BASE_URL", standIn.baseUrl() + "/v1",
                "REELFLOW_PROVIDERS_OPENAI_API_KEY", apiKey,
                "REELFLOW_STORAGE_WORK_DIR", dir.resolve("work").toString(),
                "REELFLOW_CREDENTIALS_THROWAWAY", "true"));
        return env;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "Slow dolly in on a ceramic cup at golden hour, steam rising, soft window light.";

    /** What a run did: finished or not, and the bytes it stored. */
    private record Outcome(boolean done, long storedBytes) {
    }

    private interface Run {
        Outcome run() throws Exception;
    }

    /** Runs {@code run} against a fresh service process at {@link #HEAP} and reads its memory. */
    private static Landing measure(String result, Path dir, String label, Map<String, String> env, Run run)
            throws Exception {
        Path gcLog = dir.resolve("gc-" + label + ".log");
        Files.deleteIfExists(gcLog);
        try (ServiceProcess service = new ServiceProcess(env, dir.resolve("service-" + label + ".log"))
                .jvmOptions(HEAP, "-Xlog:gc:file=" + gcLog).start()) {
            Thread.sleep(2000);
            long idleRss = rssMb(service.pid(), "VmRSS");
            Instant start = Instant.now();
            Outcome outcome = run.run();
            double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            long peakRss = rssMb(service.pid(), "VmHWM");
            long[] heap = heap(gcLog);
            System.out.printf("memory: %s %s in %.1f s, peak heap %d MB, peak RSS %d MB%n", result,
                    outcome.done() ? "done" : "NOT DONE", seconds, heap[0], peakRss);
            return new Landing(result, seconds, outcome.done(), outcome.storedBytes(), (int) heap[3], heap[0], heap[1],
                    heap[2], idleRss, peakRss);
        }
    }

    private static Outcome awaitLanded(Database db, Storage storage, String batchId) throws Exception {
        String state = "";
        Instant start = Instant.now();
        while (!state.equals("LANDED") && !state.equals("FAILED") && Duration.between(start, Instant.now()).toMinutes() < 10) {
            Thread.sleep(250);
            List<Map<String, Object>> jobs = db.jobsOf("bench", batchId);
            state = jobs.isEmpty() ? "" : String.valueOf(jobs.get(0).get("state"));
        }
        if (!state.equals("LANDED")) {
            return new Outcome(false, 0);
        }
        String key = (String) db.jobsOf("bench", batchId).get(0).get("object_key");
        return new Outcome(true, storage.list(key).stream().filter(o -> o.key().equals(key)).findFirst()
                .map(o -> o.size()).orElse(0L));
    }

    /**
     * One landscape shot approved on sight, delivered on the four placements with captions burnt into the vertical
     * ones, the AI label and an end card: a landscape and a portrait master (12 s, 1792x1024 and 1024x1792), then
     * four placement files, each signed.
     */
    private static String delivered(String batchId) throws Exception {
        ObjectNode batch = (ObjectNode) JSON.readTree(BenchMain.batch("bench", "memory", batchId, "sora-2", "sora-2-pro", 1,
                i -> PROMPT));
        ObjectNode defaults = (ObjectNode) batch.path("defaults");
        defaults.put("reviewPolicy", "approve-all");
        ArrayNode placements = defaults.putArray("deliverables");
        for (String placement : PLACEMENTS) {
            if (placement.equals("reels") || placement.equals("feed-4x5")) {
                placements.addObject().put("name", placement).put("burnCaptions", true);
            } else {
                placements.add(placement);
            }
        }
        ObjectNode shot = (ObjectNode) batch.path("shots").get(0);
        ArrayNode captions = shot.putArray("captions");
        captions.addObject().put("start", 0.5).put("end", 4).put("text", "Slow mornings");
        captions.addObject().put("start", 5).put("end", 9.5).put("text", "in every cup");
        batch.putObject("brand").put("aiLabel", true).putObject("endCard").put("seconds", 2)
                .put("text", "acme.example").put("background", "#203040");
        return batch.toString();
    }

    private static Outcome awaitDelivered(Database db, String batchId) throws Exception {
        Instant start = Instant.now();
        while (Duration.between(start, Instant.now()).toMinutes() < 20) {
            Thread.sleep(500);
            List<Map<String, Object>> shots = db.query("select s.state from shot s join batch b on b.id = s.batch_id"
                    + " where b.team = 'bench' and b.batch_key = ?", batchId);
            String state = shots.isEmpty() ? "" : String.valueOf(shots.get(0).get("state"));
            if (state.equals("DELIVERED") || state.equals("FAILED") || state.equals("REJECTED")) {
                List<Map<String, Object>> files = db.query("select d.state, d.size_bytes from deliverable d"
                        + " join shot s on s.id = d.shot_id join batch b on b.id = s.batch_id"
                        + " where b.team = 'bench' and b.batch_key = ?", batchId);
                boolean all = state.equals("DELIVERED") && files.size() == PLACEMENTS.size()
                        && files.stream().allMatch(f -> "DELIVERED".equals(f.get("state")));
                return new Outcome(all, files.stream().mapToLong(f -> f.get("size_bytes") == null ? 0
                        : ((Number) f.get("size_bytes")).longValue()).sum());
            }
        }
        return new Outcome(false, 0);
    }

    static String report(List<Landing> landings) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, """
                Each row is a fresh service process started with `%s` (Serial GC). The landings: one draft on \
                `sora-2` per size; the OpenAI stand-in serves a real 4 s MP4 padded with a `free` box to the size; \
                Reelflow streams it to a work file while hashing it, probes it, takes the poster, appends its content \
                credentials (one more read of the file, for the BMFF hash and the stored file's sha256) and uploads \
                it to S3Proxy; what is stored is the served size plus the manifest. The delivered shot: one \
                landscape shot approved on sight, its draft on `sora-2`, its landscape and portrait masters on \
                `sora-2-pro` (12 s, 1792x1024 and 1024x1792, real H.264 with sound from the stand-in), then its \
                placement files (%s; captions burnt into the vertical ones, the AI label, a 2 s end card, loudness \
                brought to its target in measured passes), every file signed; stored is the placement files' \
                bytes. Peak heap in use is the largest heap before a collection in the GC log; live is the largest \
                after one.

                | Run | Done | Stored in S3 | Time | Collections | Peak heap in use | Peak live heap | Heap committed | Resident, idle | Resident, peak |
                |---|---|---:|---:|---:|---:|---:|---:|---:|---:|
                """, HEAP, String.join(", ", PLACEMENTS)));
        for (Landing l : landings) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %,d bytes | %.1f s | %d | %d MB | %d MB | %d MB | %d MB | %d MB |%n",
                    l.result(), l.landed() ? "yes" : "no", l.storedBytes(), l.seconds(), l.collections(),
                    l.peakHeapMb(), l.peakLiveMb(), l.committedHeapMb(), l.idleRssMb(), l.peakRssMb()));
        }
        out.append("\n![Peak heap and resident memory per run](benchmarks-memory.svg)\n");
        return out.toString();
    }

    static String chart(List<Landing> landings) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Landing l : landings) {
            labels.add(l.result() + ": peak heap in use");
            values.add((double) l.peakHeapMb());
        }
        for (Landing l : landings) {
            labels.add(l.result() + ": peak resident");
            values.add((double) l.peakRssMb());
        }
        return Svg.bars("memory per run (MB), heap capped at 256 MB", labels, values, "MB", 256, "heap cap");
    }

    /** Peak heap before a collection, peak live after one, committed heap (MB) and the number of collections. */
    private static long[] heap(Path gcLog) throws Exception {
        long before = 0;
        long after = 0;
        long committed = 0;
        long count = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                before = Math.max(before, Long.parseLong(m.group(1)));
                after = Math.max(after, Long.parseLong(m.group(2)));
                committed = Math.max(committed, Long.parseLong(m.group(3)));
                count++;
            }
        }
        return new long[] {before, after, committed, count};
    }

    private static long rssMb(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        throw new IllegalStateException("no " + field + " for process " + pid);
    }

}
