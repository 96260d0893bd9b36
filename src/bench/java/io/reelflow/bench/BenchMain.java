package io.reelflow.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.localstack.LocalStack;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.media.FrameSize;
import io.reelflow.provider.ModelCatalog;
import io.reelflow.spend.Pricing;
import io.reelflow.testkit.Database;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.TestData;
import io.reelflow.testkit.providers.OpenAiStandIn;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Reelflow's benchmarks ({@code ./mvnw -Pbench verify}, or {@code -Dbench=cost} for some of them): each writes its
 * section of {@code docs/benchmarks.md} (between its markers), with the machine and the command.
 * <ul>
 * <li>{@code cost}: a 100-shot campaign at the catalog's prices with 30 % of drafts approved, draft-then-final
 * against rendering every shot as a final directly;
 * <li>{@code saturation}: 1,000 drafts against an OpenAI stand-in taking 2-5 s per video with a cap of 16 jobs
 * in flight: completion time against the ideal (sum of latencies / 16), and the most videos generating at once.
 * </ul>
 */
public final class BenchMain {

    static final Path REPORT = Path.of("docs", "benchmarks.md");
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Set<String> chosen = Set.of(System.getProperty("bench", "cost,saturation,fairness,promotion,memory,media,overhead").split(","));
        if (chosen.contains("cost")) {
            section("cost", cost());
        }
        if (chosen.contains("saturation")) {
            section("saturation", saturation());
        }
        if (chosen.contains("fairness")) {
            Fairness.Result result = Fairness.run();
            section("fairness", Fairness.report(result));
            double over = Fairness.worst(result) - Fairness.idle(result);
            summary(7, String.format(Locale.ROOT, "idle median %.1f s; behind the backlog worst %.1f s (%.1f s over"
                    + " idle)", Fairness.idle(result), Fairness.worst(result), over), over <= 5 ? "yes" : "no");
        }
        if (chosen.contains("promotion")) {
            Promotion.Result result = Promotion.run();
            if (Promotion.REROLL) {
                // A comparison run (finals as fresh rolls), not the published figure: printed only.
                System.out.println(Promotion.report(result));
            } else {
                Files.writeString(REPORT.resolveSibling("benchmarks-promotion.svg"), Promotion.chart(result));
                section("promotion", Promotion.report(result));
                double pathP99 = Promotion.Result.percentile(result.path(), 99, 0);
                summary(4, String.format(Locale.ROOT, "Reelflow's path (decision path and claim to create call) p50"
                        + " %.0f ms, p99 %.0f ms; decision path p99 %.0f ms; behind the cap of %d p50 %.1f s; in all"
                        + " p99 %.1f s", Promotion.Result.percentile(result.path(), 50, 0), pathP99,
                        Promotion.Result.percentile(result.decision(), 99, 0), result.cap(),
                        Promotion.Result.percentile(result.queued(), 50, 0) / 1000, result.percentile(99) / 1000),
                        pathP99 < 250 ? "yes" : "no");
            }
        }
        if (chosen.contains("memory")) {
            List<Memory.Landing> landings = Memory.run();
            Files.writeString(REPORT.resolveSibling("benchmarks-memory.svg"), Memory.chart(landings));
            section("memory", Memory.report(landings));
            summary(3, "peak heap " + String.join(" / ", landings.stream().map(l -> l.peakHeapMb() + "").toList())
                    + " MB, resident " + String.join(" / ", landings.stream().map(l -> l.peakRssMb() + "").toList())
                    + " MB", landings.stream().allMatch(Memory.Landing::landed)
                            && landings.stream().mapToLong(Memory.Landing::peakHeapMb).max().orElse(0) < 256 ? "yes" : "no");
        }
        if (chosen.contains("media")) {
            List<io.reelflow.media.MediaWork.Work> works = io.reelflow.media.MediaWork.run(
                    freshDir("media"));
            section("media", io.reelflow.media.MediaWork.report(works));
            List<io.reelflow.media.MediaWork.Work> placements = works.stream()
                    .filter(w -> w.what().startsWith("placement file")).toList();
            double worst = placements.stream().mapToDouble(io.reelflow.media.MediaWork.Work::ratio).max().orElse(0);
            double best = placements.stream().mapToDouble(io.reelflow.media.MediaWork.Work::ratio).min().orElse(0);
            summary(8, String.format(Locale.ROOT, "CPU per placement file %.2f to %.2f times the command line's"
                    + " (same libraries and encoders)", best, worst), worst <= 1.25 ? "yes" : "no");
        }
        if (chosen.contains("batch")) {
            // Not among the default ones: at 100 shots it takes most of an hour on two cores.
            Batch.Result result = Batch.run();
            section("batch", Batch.report(result));
            summary(9, Batch.summary(result), "reported");
        }
        if (chosen.contains("overhead")) {
            Overhead.Result result = Overhead.run();
            Files.writeString(REPORT.resolveSibling("benchmarks-overhead.svg"), Overhead.chart(result));
            section("overhead", Overhead.report(result));
            summary(1, Overhead.summary(result), result.one().share(result.one().nearest()) >= 0.5 ? "yes" : "no");
            summary(5, Overhead.scaleOutSummary(result), "reported");
        }
    }


    // -- 6. Cost ------------------------------------------------------------------------------------------------

    static String cost() throws Exception {
        ReelflowConfig config = shippedConfig();
        ModelCatalog catalog = new ModelCatalog(config,
                Set.of("local", "openai", "veo", "replicate", "kling", "fal", "runway"));
        Pricing pricing = new Pricing(config, catalog);
        int shots = 100;
        int approved = 30;
        int draftSeconds = config.render().draft().seconds();
        int finalSeconds = config.render().finalCut().seconds();
        StringBuilder out = new StringBuilder();
        out.append("A campaign of ").append(shots).append(" shots, half landscape and half portrait, ").append(approved)
                .append(" % of drafts approved, at the catalog's prices (`application.properties`; every call of a")
                .append(" segmented final paid in full):\n\n");
        out.append("| Drafts → finals | Draft | Final | Draft then final | Every shot a final | Saved | Break-even approval |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|\n");
        // Routes on models one can buy today (the first is the summary's); sora-2 last, reachable only through an
        // OpenAI-compatible gateway since OpenAI retired its Videos API.
        List<String[]> routes = List.of(new String[] {"kling-2.5-turbo", "kling-3"},
                new String[] {"veo-3.1-fast", "veo-3.1"}, new String[] {"wan-2.6", "kling-3"},
                new String[] {"seedance-1-pro", "veo-3.1-fal"}, new String[] {"runway-gen-4.5", "runway-gen-4.5"},
                new String[] {"kling-3", "kling-3"}, new String[] {"sora-2", "sora-2-pro"});
        String firstRoute = null;
        for (String[] route : routes) {
            BigDecimal draft = BigDecimal.ZERO;
            BigDecimal finalCut = BigDecimal.ZERO;
            List<String> refused = new ArrayList<>();
            for (boolean portrait : new boolean[] {false, true}) {
                FrameSize draftSize = portrait ? new FrameSize(720, 1280) : new FrameSize(1280, 720);
                FrameSize finalSize = portrait ? new FrameSize(1024, 1792) : new FrameSize(1792, 1024);
                refused.addAll(catalog.cannotRender(route[0], draftSeconds, draftSize, false));
                refused.addAll(catalog.cannotRender(route[1], finalSeconds, finalSize, true));
                draft = draft.add(pricing.job(route[0], draftSeconds, draftSize));
                finalCut = finalCut.add(pricing.job(route[1], finalSeconds, finalSize));
            }
            if (!refused.isEmpty()) {
                out.append("| ").append(route[0]).append(" → ").append(route[1]).append(" | not a valid route: ")
                        .append(String.join("; ", refused)).append(" ||||||\n");
                continue;
            }
            BigDecimal draftEach = draft.divide(BigDecimal.valueOf(2), 4, RoundingMode.HALF_UP);
            BigDecimal finalEach = finalCut.divide(BigDecimal.valueOf(2), 4, RoundingMode.HALF_UP);
            BigDecimal twoStep = draftEach.multiply(BigDecimal.valueOf(shots)).add(finalEach.multiply(BigDecimal.valueOf(approved)));
            BigDecimal direct = finalEach.multiply(BigDecimal.valueOf(shots));
            BigDecimal saved = BigDecimal.ONE.subtract(twoStep.divide(direct, 4, RoundingMode.HALF_UP)).movePointRight(2);
            BigDecimal breakEven = BigDecimal.ONE.subtract(draftEach.divide(finalEach, 4, RoundingMode.HALF_UP)).movePointRight(2);
            if (firstRoute == null) {
                firstRoute = String.format(Locale.ROOT, "%s drafts then %s finals: $%s against $%s (%s %% saved)",
                        route[0], route[1], money(twoStep), money(direct), saved.setScale(0, RoundingMode.HALF_UP));
            }
            out.append(String.format(Locale.ROOT, "| %s → %s | $%s | $%s | $%s | $%s | %s %% | %s %% |%n", route[0], route[1],
                    money(draftEach), money(finalEach), money(twoStep), money(direct), saved.setScale(0, RoundingMode.HALF_UP),
                    breakEven.setScale(0, RoundingMode.HALF_UP)));
        }
        summary(6, firstRoute, "n/a");
        out.append("\n`sora-2` and `sora-2-pro` are reachable only through an OpenAI-compatible gateway: OpenAI retired")
                .append(" them on its own API on 2026-09-24 (the catalog refuses them there).\n");
        out.append("\nRevisions are not counted: each revised draft adds one draft's price. Drafting first pays off while")
                .append(" the approval rate stays below the break-even, 1 − draft price / final price.\n");
        return out.toString();
    }

    /** Reelflow's configuration as shipped ({@code application.properties}), without the environment. */
    static ReelflowConfig shippedConfig() throws java.io.IOException {
        return new SmallRyeConfigBuilder().withMapping(ReelflowConfig.class)
                .withSources(new PropertiesConfigSource(BenchMain.class.getClassLoader().getResource("application.properties")))
                .build().getConfigMapping(ReelflowConfig.class);
    }

    private static String money(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    // -- 2. Provider saturation -------------------------------------------------------------------------------------

    /** One saturation run: what the stand-in saw, and when the run started and ended. */
    record Saturation(String mode, int shots, int cap, long failed, List<Instant[]> completions, Instant started,
            Instant finished) {

        double latencySum() {
            return completions.stream().mapToDouble(c -> Duration.between(c[0], c[1]).toMillis() / 1000.0).sum();
        }

        double actual() {
            return Duration.between(started, finished).toMillis() / 1000.0;
        }

        double utilisation() {
            return latencySum() / cap / actual();
        }

        /** Slot-seconds during which a finished video still held its slot because Reelflow had not seen it. */
        double unseen() {
            return completions.stream().filter(c -> c[2] != null)
                    .mapToDouble(c -> Math.max(0, Duration.between(c[1], c[2]).toMillis()) / 1000.0).sum();
        }

        /** Seconds from the start until the first video was created (intake, first claims). */
        double rampUp() {
            return completions.stream().map(c -> c[0]).min(Instant::compareTo)
                    .map(t -> Duration.between(started, t).toMillis() / 1000.0).orElse(0.0);
        }

        /** Seconds from the last video finishing until it was landed (the run's end). */
        double tail() {
            return completions.stream().map(c -> c[1]).max(Instant::compareTo)
                    .map(t -> Duration.between(t, finished).toMillis() / 1000.0).orElse(0.0);
        }
    }

    static String saturation() throws Exception {
        Saturation polling = saturation(false);
        Saturation webhooks = saturation(true);
        Files.writeString(REPORT.resolveSibling("benchmarks-saturation.svg"),
                Svg.inFlight(generations(polling), polling.started(), polling.cap()));
        Files.writeString(REPORT.resolveSibling("benchmarks-saturation-webhooks.svg"),
                Svg.inFlight(generations(webhooks), webhooks.started(), webhooks.cap()));
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, """
                %d drafts (two batches of 500) on `sora-2` against the OpenAI stand-in, each video taking a uniform \
                2-5 s, the model capped at %d jobs in flight, one service instance with 8 worker threads. Polling: \
                Reelflow asks for each video's status as the provider's poll hint says (300 ms here). Webhooks: the \
                stand-in also calls `/webhooks/openai` with a signed `video.completed` the moment a video is ready, as \
                OpenAI does for a project with a webhook endpoint.

                | Completion seen by | Drafts | Failed | Sum of latencies | Ideal (sum / %d) | Completion | Utilisation | Most generating at once |
                |---|---:|---:|---:|---:|---:|---:|---:|
                """, polling.shots(), polling.cap(), polling.cap()));
        for (Saturation r : List.of(polling, webhooks)) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f s | %.1f s | %.1f s | %.1f %% | %d (cap %d) |%n",
                    r.mode(), r.shots(), r.failed(), r.latencySum(), r.latencySum() / r.cap(), r.actual(),
                    100 * r.utilisation(), io.reelflow.testkit.Intervals.mostAtOnce(generations(r)), r.cap()));
        }
        out.append("""

                Where the capacity that was not used went (slot-seconds: the cap times the completion time, less the \
                sum of latencies):

                | Completion seen by | Capacity | Used | Finished but not yet seen | Before the first create | After the last video finished | Between a slot freeing and the next create |
                |---|---:|---:|---:|---:|---:|---:|
                """);
        for (Saturation r : List.of(polling, webhooks)) {
            double capacity = r.cap() * r.actual();
            double unseen = r.unseen();
            double ramp = r.rampUp() * r.cap();
            double tail = r.tail() * r.cap();
            double rest = capacity - r.latencySum() - unseen - ramp - tail;
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f (%.1f %%) | %.0f (%.1f %%) | %.0f (%.1f %%) | %.0f (%.1f %%) |%n",
                    r.mode(), capacity, r.latencySum(), unseen, 100 * unseen / capacity, ramp, 100 * ramp / capacity,
                    tail, 100 * tail / capacity, rest, 100 * rest / capacity));
        }
        out.append("""

                The last column is the slot's round trip inside Reelflow: the status answer recorded (`DOWNLOADING` frees \
                the slot), a worker woken, the next waiting job claimed, its price reserved under the model's lock, \
                its create call sent. Mean per video:\s""");
        out.append(String.format(Locale.ROOT, "%.0f ms polling, %.0f ms with webhooks.%n%n",
                1000 * (polling.cap() * polling.actual() - polling.latencySum() - polling.unseen()
                        - (polling.rampUp() + polling.tail()) * polling.cap()) / polling.shots(),
                1000 * (webhooks.cap() * webhooks.actual() - webhooks.latencySum() - webhooks.unseen()
                        - (webhooks.rampUp() + webhooks.tail()) * webhooks.cap()) / webhooks.shots()));
        int most = Math.max(io.reelflow.testkit.Intervals.mostAtOnce(generations(polling)),
                io.reelflow.testkit.Intervals.mostAtOnce(generations(webhooks)));
        summary(2, String.format(Locale.ROOT, "%.1f %% with webhooks, %.1f %% polling; at most %d at once",
                100 * webhooks.utilisation(), 100 * polling.utilisation(), most),
                most > polling.cap() ? "no (above the cap)" : webhooks.utilisation() >= 0.95 && polling.utilisation() >= 0.95
                        ? "yes" : webhooks.utilisation() >= 0.95 ? "with webhooks" : "no");
        out.append("Polling:\n\n![Videos generating at the provider, polling](benchmarks-saturation.svg)\n\n");
        out.append("Webhooks:\n\n![Videos generating at the provider, webhooks](benchmarks-saturation-webhooks.svg)\n");
        return out.toString();
    }

    private static List<Instant[]> generations(Saturation r) {
        return r.completions().stream().map(c -> new Instant[] {c[0], c[1]}).toList();
    }

    static Saturation saturation(boolean webhooks) throws Exception {
        int shots = 1000;
        int cap = 16;
        String mode = webhooks ? "webhooks" : "polling";
        StandInRun run = StandInRun.named("saturation-" + mode);
        Path dir = run.dir();
        String secret = run.secret();
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(dir, run.database(), true));
                OpenAiStandIn standIn = new OpenAiStandIn(run.apiKey(), dir.resolve("stand-in"), null)) {
            Map<String, String> env = standInService(stack, standIn, run.apiKey(), cap, dir);
            if (webhooks) {
                env.put("REELFLOW_PROVIDERS_OPENAI_WEBHOOK_SECRET", secret);
            }
            Database db = new Database(stack);
            try (ServiceProcess service = new ServiceProcess(env, dir.resolve("service.log"))) {
                if (webhooks) {
                    standIn.webhooks(service.baseUrl() + "/webhooks/openai", secret);
                }
                service.start();
                Instant started = Instant.now();
                for (int b = 0; b < shots / 500; b++) {
                    Kafka.send(stack.kafka(), "campaign-batches", "bench/sat-" + b, batch("bench", "saturation", "sat-" + b, "sora-2", null, 500,
                            i -> "Slow dolly in on a ceramic cup at golden hour, steam rising. Take sat-" + i + "."));
                }
                long landed = 0;
                while (landed < shots) {
                    Thread.sleep(1000);
                    landed = db.count("select count(*) from job where state in ('LANDED', 'FAILED')");
                    System.out.printf("saturation (%s): %d of %d drafts ended after %d s%n", mode, landed, shots,
                            Duration.between(started, Instant.now()).toSeconds());
                }
                Object last = db.query("select max(landed_at) as t from job").get(0).get("t");
                Instant finished = last instanceof java.sql.Timestamp t ? t.toInstant()
                        : ((java.time.OffsetDateTime) last).toInstant();
                long failed = db.count("select count(*) from job where state = 'FAILED'");
                return new Saturation(mode, shots, cap, failed, standIn.completions(), started, finished);
            }
        }
    }

    /**
     * {@code target/bench/<name>}, emptied: a run never reads what an earlier one left (its stored objects, its
     * broker's log), even when the benchmark is run twice without a clean.
     */
    static Path freshDir(String name) throws java.io.IOException {
        Path dir = Path.of("target", "bench", name).toAbsolutePath();
        deleteTree(dir);
        Files.createDirectories(dir);
        return dir;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A run against the OpenAI stand-in: its directory under {@code target/bench}, fresh keys and a fresh database. */
    record StandInRun(Path dir, String apiKey, String secret, String database) {

        static StandInRun named(String name) throws java.io.IOException {
            Path dir = freshDir(name);
            return new StandInRun(dir, "bench-" + HexFormat.of().formatHex(TestData.random(12)), TestData.webhookSecret(),
                    "reelflow_bench_" + UUID.randomUUID().toString().substring(0, 8));
        }
    }

    /**
     * Sets the stand-in to the saturation runs' videos (2-5 s each, one shared render per size) and gives the
     * service's environment against it: {@code sora-2} capped at {@code cap}, 8 worker threads.
     */
    static Map<String, String> standInService(LocalStack stack, OpenAiStandIn standIn, String apiKey, int cap, Path dir) {
        standIn.shareRenders();
        standIn.latency(Duration.ofSeconds(2), Duration.ofSeconds(5));
        Map<String, String> env = new java.util.HashMap<>(stack.serviceEnvironment());
        env.putAll(Map.of("REELFLOW_PROVIDERS_OPENAI_BASE_URL", standIn.baseUrl() + "/v1",
                "REELFLOW_PROVIDERS_OPENAI_API_KEY", apiKey,
                "REELFLOW_MODELS_SORA_2_MAX_CONCURRENT_JOBS", Integer.toString(cap),
                "REELFLOW_WORKER_CONCURRENCY", "8",
                "REELFLOW_STORAGE_WORK_DIR", dir.resolve("work").toString()));
        return env;
    }

    /** A campaign batch of {@code shots} landscape shots, drafted on {@code draftModel} (and finalled on {@code finalModel}). */
    static String batch(String team, String campaign, String batchId, String draftModel, String finalModel, int shots,
            java.util.function.IntFunction<String> prompt) {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        batch.put("team", team);
        batch.put("campaign", campaign);
        ObjectNode defaults = batch.putObject("defaults");
        defaults.put("aspectRatio", "landscape");
        ObjectNode route = defaults.putObject("route").put("draftModel", draftModel);
        if (finalModel != null) {
            route.put("finalModel", finalModel);
        }
        ArrayNode list = batch.putArray("shots");
        for (int i = 0; i < shots; i++) {
            list.addObject().put("shotId", String.format("s%04d", i + 1)).put("prompt", prompt.apply(i));
        }
        return batch.toString();
    }

    // -- the report ---------------------------------------------------------------------------------------------

    /** What each row of the summary table measures, and its goal. */
    private static final Map<Integer, String[]> BENCHMARKS = Map.of(
            1, new String[] {"Orchestration overhead: 10,000 drafts, pipeline operations per second / the nearest"
                    + " ceiling for that operation", "at least 0.5"},
            2, new String[] {"Provider saturation: 1,000 drafts of 2-5 s, cap 16", "at least 95 %, never above the cap"},
            3, new String[] {"Memory: landing 10 MB, 100 MB, 1 GB with a 256 MB heap, signed; one shot delivered on four"
                    + " placements under the same heap", "flat"},
            4, new String[] {"Promotion latency: approve to the final's create call, 1,000 decisions",
                    "p99 under 250 ms"},
            5, new String[] {"Scale-out: benchmark 1 with two instances", "reported, with a projection"},
            6, new String[] {"Cost: 100 shots, 30 % approved", "reported"},
            7, new String[] {"Fair share: team B's one-shot batch behind team A's 1,000-draft backlog, cap 16",
                    "within one clip's generation time (5 s) of B's idle time"},
            8, new String[] {"Media work against the `ffmpeg` command line: placement files, start frame, SSIM,"
                    + " content credentials", "CPU per placement file at most 1.25 times the command line's"},
            9, new String[] {"A batch end to end: shots approved on sight, two masters each, four placement files each"
                    + " (`-Dbench=batch`, not among the default ones)", "reported, with where the time goes"});

    /**
     * Rewrites row {@code number} of the summary table (between its markers) from the run just made, with the date
     * and the commit it ran on.
     */
    static void summary(int number, String measured, String met) throws Exception {
        String start = "<!-- bench summary: start -->";
        String end = "<!-- bench summary: end -->";
        String text = Files.readString(REPORT);
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(REPORT + " has no summary markers");
        }
        java.util.TreeMap<Integer, String> rows = new java.util.TreeMap<>();
        for (String line : text.substring(from + start.length(), to).split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\| (\\d+) \\|").matcher(line);
            if (m.find()) {
                rows.put(Integer.parseInt(m.group(1)), line);
            }
        }
        String[] what = BENCHMARKS.get(number);
        rows.put(number, String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s at `%s` |", number, what[0], what[1],
                measured, met, LocalDate.now(), commit()));
        StringBuilder table = new StringBuilder("\n\n| # | Benchmark | Goal | Measured (%d cores) | Met | Run |\n"
                .formatted(Runtime.getRuntime().availableProcessors()) + "|---|---|---|---|---|---|\n");
        rows.values().forEach(row -> table.append(row).append('\n'));
        Files.writeString(REPORT, text.substring(0, from + start.length()) + table + text.substring(to));
    }

    /** The commit the benchmarks run on, marked when the sources differ from it. */
    static String commit() {
        try {
            String head = git("rev-parse", "--short=7", "HEAD").strip();
            boolean changed = !git("status", "--porcelain", "--untracked-files=no", "--", "src", "pom.xml").isBlank();
            return head + (changed ? " with uncommitted changes" : "");
        } catch (Exception e) {
            return "unknown commit";
        }
    }

    private static String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (git.waitFor() != 0) {
            throw new IllegalStateException(out);
        }
        return out;
    }

    /** Replaces the section of {@code name} in the report, with the machine and the command that made it. */
    static void section(String name, String body) throws Exception {
        String start = "<!-- bench " + name + ": start -->";
        String end = "<!-- bench " + name + ": end -->";
        String text = Files.exists(REPORT) ? Files.readString(REPORT) : "";
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(REPORT + " has no section markers for " + name);
        }
        String made = String.format(Locale.ROOT, "Run of %s on %d cores, %s, Java %s. Reproduce: `./mvnw -Pbench verify -Dbench=%s`%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("java.version"), name);
        Files.writeString(REPORT, text.substring(0, from + start.length()) + "\n" + made + body + text.substring(to));
        System.out.println("bench " + name + " (written to " + REPORT.toAbsolutePath() + "):\n" + body);
    }
}
