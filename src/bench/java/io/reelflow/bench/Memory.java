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


import io.reelflow.localstack.LocalStack;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Database;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.Storage;
import io.reelflow.testkit.TestData;
import io.reelflow.testkit.providers.OpenAiStandIn;

/**
 * Benchmark 3: landing results of 10 MB, 100 MB and 1 GB with the service's heap capped at 256 MB. Each size is
 * landed by a fresh service process (so its peaks are that landing's) from the OpenAI stand-in, which serves a
 * real MP4 padded with a {@code free} box to the size. Peak heap comes from the GC log (heap in use before each
 * collection, and the most still live after one), peak resident memory from the kernel ({@code VmHWM}).
 */
final class Memory {

    static final long MB = 1024L * 1024;
    static final long[] SIZES = {10 * MB, 100 * MB, 1024 * MB};
    static final String HEAP = "-Xmx256m";
    private static final Pattern GC_LINE = Pattern.compile("Pause .*? (\\d+)M->(\\d+)M\\((\\d+)M\\)");

    record Landing(long bytes, double seconds, boolean landed, long storedBytes, int collections, long peakHeapMb,
            long peakLiveMb, long committedHeapMb, long idleRssMb, long peakRssMb) {
    }

    private Memory() {
    }

    static List<Landing> run() throws Exception {
        Path dir = Path.of("target", "bench", "memory").toAbsolutePath();
        Files.createDirectories(dir);
        String apiKey = "bench-" + HexFormat.of().formatHex(TestData.random(12));
        String database = "reelflow_bench_" + UUID.randomUUID().toString().substring(0, 8);
        List<Landing> landings = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(dir, database, true));
                OpenAiStandIn standIn = new OpenAiStandIn(apiKey, dir.resolve("stand-in"), null);
                Storage storage = new Storage(stack)) {
            Database db = new Database(stack);
            for (long size : SIZES) {
                standIn.padResults(size);
                String label = size / MB + "mb";
                Path gcLog = dir.resolve("gc-" + label + ".log");
                Files.deleteIfExists(gcLog);
                Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
                env.putAll(Map.of("REELFLOW_PROVIDERS_OPENAI_BASE_URL", standIn.baseUrl() + "/v1",
                        "REELFLOW_PROVIDERS_OPENAI_API_KEY", apiKey,
                        "REELFLOW_STORAGE_WORK_DIR", dir.resolve("work").toString(),
                        // Landed as in production: signed with content credentials, the last step before upload.
                        "REELFLOW_CREDENTIALS_THROWAWAY", "true"));
                try (ServiceProcess service = new ServiceProcess(env, dir.resolve("service-" + label + ".log"))
                        .jvmOptions(HEAP, "-Xlog:gc:file=" + gcLog).start()) {
                    Thread.sleep(2000);
                    long idleRss = rssMb(service.pid(), "VmRSS");
                    Instant start = Instant.now();
                    Kafka.send(stack.kafka(), "campaign-batches", "bench/" + label, BenchMain.batch("bench", "memory", label,
                            "sora-2", null, 1, i -> "Slow dolly in on a ceramic cup at golden hour, steam rising, soft window light."));
                    String state = "";
                    while (!state.equals("LANDED") && !state.equals("FAILED")
                            && Duration.between(start, Instant.now()).toMinutes() < 10) {
                        Thread.sleep(250);
                        List<Map<String, Object>> jobs = db.jobsOf("bench", label);
                        state = jobs.isEmpty() ? "" : String.valueOf(jobs.get(0).get("state"));
                    }
                    double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
                    long peakRss = rssMb(service.pid(), "VmHWM");
                    long stored = 0;
                    if (state.equals("LANDED")) {
                        String key = (String) db.jobsOf("bench", label).get(0).get("object_key");
                        stored = storage.list(key).stream().filter(o -> o.key().equals(key)).findFirst()
                                .map(o -> o.size()).orElse(0L);
                    }
                    long[] heap = heap(gcLog);
                    landings.add(new Landing(size, seconds, state.equals("LANDED"), stored, (int) heap[3], heap[0],
                            heap[1], heap[2], idleRss, peakRss));
                    System.out.printf("memory: %s %s in %.1f s, peak heap %d MB, peak RSS %d MB%n", label, state,
                            seconds, heap[0], peakRss);
                }
            }
        }
        return landings;
    }

    static String report(List<Landing> landings) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, """
                One draft on `sora-2` per size, landed by a fresh service process started with `%s` (Serial GC): the \
                OpenAI stand-in serves a real 4 s MP4 padded with a `free` box to the size; Reelflow streams it to a \
                work file while hashing it, probes it, takes the poster, appends its content credentials (one more \
                read of the file, for the BMFF hash and the stored file's sha256) and uploads it to S3Proxy; what is \
                stored is the served size plus the manifest. Peak heap in use is the largest heap before a collection \
                in the GC log; live is the largest after one.

                | Result | Landed | Stored in S3 | Time | Collections | Peak heap in use | Peak live heap | Heap committed | Resident, idle | Resident, peak |
                |---:|---|---:|---:|---:|---:|---:|---:|---:|---:|
                """, HEAP));
        for (Landing l : landings) {
            out.append(String.format(Locale.ROOT, "| %,d MB | %s | %,d bytes | %.1f s | %d | %d MB | %d MB | %d MB | %d MB | %d MB |%n",
                    l.bytes() / MB, l.landed() ? "yes" : "no", l.storedBytes(), l.seconds(), l.collections(),
                    l.peakHeapMb(), l.peakLiveMb(), l.committedHeapMb(), l.idleRssMb(), l.peakRssMb()));
        }
        out.append("\n![Peak heap and resident memory per result size](benchmarks-memory.svg)\n");
        return out.toString();
    }

    static String chart(List<Landing> landings) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Landing l : landings) {
            labels.add(l.bytes() / MB + " MB result: peak heap in use");
            values.add((double) l.peakHeapMb());
        }
        for (Landing l : landings) {
            labels.add(l.bytes() / MB + " MB result: peak resident");
            values.add((double) l.peakRssMb());
        }
        return Svg.bars("memory while landing one result (MB), heap capped at 256 MB", labels, values, "MB", 256,
                "heap cap");
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
