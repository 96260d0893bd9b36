package io.reelflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.localstack.LocalStack;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Database;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.Storage;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Benchmarks 1 and 5: the pipeline's own overhead. {@code bench.shots} drafts (10,000) through intake, job worker
 * and landing with the {@code local} provider at zero latency and shared tiny renders, on one and then two service
 * instances, each on a fresh stack (broker, database, object store); after each run, on the same stack, the raw
 * ceilings of the operations the pipeline performs, driven with the very messages, rows and objects it produced.
 * The measured runs have no profiler attached; a third, shorter run with the flight recorder says where the CPU
 * went, and its rate is not compared with anything.
 */
final class Overhead {

    static final int SHOTS = Integer.getInteger("bench.shots", 10_000);
    static final int PROFILE_SHOTS = Math.min(SHOTS, 2_000);
    static final int PER_BATCH = 500;
    static final int THREADS = 8;
    static final Path LAST = BenchMain.REPORT.resolveSibling("benchmarks-overhead.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One pipeline run: the window from the first publish to the poll that saw the last draft end, what it did
     * (commits, objects stored, events) and the CPU each process used in that same window.
     */
    record Run(int instances, int shots, double seconds, long commits, long objects, long events, long failed,
            double serviceCpu, double stackCpu, double postgresCpu, List<Ceiling> ceilings, String clip,
            Map<String, Double> profile) {
        double rate() {
            return shots / seconds;
        }

        double perDraft(long operations) {
            return operations / (double) shots;
        }

        double cpuPerDraftMs(double cpuSeconds) {
            return 1000 * cpuSeconds / shots;
        }

        /** Operations of {@code c}'s kind per second in this run's window. */
        double pipelineRate(Ceiling c) {
            long operations = switch (c.unit()) {
                case COMMITS -> commits;
                case OBJECTS -> objects;
                case EVENTS -> events;
            };
            return operations / seconds;
        }

        /** The ceiling the pipeline came nearest to, as a share of it. */
        Ceiling nearest() {
            return ceilings.stream().max(java.util.Comparator.comparingDouble(c -> pipelineRate(c) / c.rate()))
                    .orElseThrow();
        }

        double share(Ceiling c) {
            return pipelineRate(c) / c.rate();
        }
    }

    enum Unit {
        COMMITS("PostgreSQL commits"), OBJECTS("S3 objects stored"), EVENTS("Kafka events");

        final String label;

        Unit(String label) {
            this.label = label;
        }
    }

    /** One operation's ceiling: operations per second with {@link #THREADS} clients (Kafka: one client). */
    record Ceiling(String part, String what, Unit unit, int operations, double seconds) {
        double rate() {
            return operations / seconds;
        }
    }

    /** The figures a later run compares itself with. */
    record Figures(String date, String commit, double rate, double commitsPerDraft, double serviceCpuMs,
            double totalCpuMs, double share) {
    }

    record Result(Run one, Run two, Run profiled, Figures last, String commit) {
    }

    private Overhead() {
    }

    static Result run() throws Exception {
        Path root = BenchMain.freshDir("overhead");
        Figures last = Files.exists(LAST) ? JSON.readValue(LAST.toFile(), Figures.class) : null;
        Run one = onFreshStack(root, 1, "one", SHOTS, false);
        System.out.printf(Locale.ROOT, "overhead (1 instance): %.1f drafts/s, %.1f commits per draft, service CPU"
                + " %.1f ms per draft, PostgreSQL CPU %.1f ms per draft, nearest ceiling %s at %.3f%n", one.rate(),
                one.perDraft(one.commits()), one.cpuPerDraftMs(one.serviceCpu()), one.cpuPerDraftMs(one.postgresCpu()),
                one.nearest().what(), one.share(one.nearest()));
        Run two = Boolean.getBoolean("bench.overhead.one") ? null : onFreshStack(root, 2, "two", SHOTS, false);
        Run profiled = onFreshStack(root, 1, "profile", PROFILE_SHOTS, true);
        Result result = new Result(one, two, profiled, last, BenchMain.commit());
        Files.writeString(LAST, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures(result)) + "\n");
        return result;
    }

    static Figures figures(Result r) {
        Run one = r.one();
        return new Figures(java.time.LocalDate.now().toString(), r.commit(), round(one.rate(), 1),
                round(one.perDraft(one.commits()), 2), round(one.cpuPerDraftMs(one.serviceCpu()), 1),
                round(one.cpuPerDraftMs(one.serviceCpu() + one.stackCpu() + one.postgresCpu()), 1),
                round(one.share(one.nearest()), 3));
    }

    private static double round(double value, int digits) {
        return java.math.BigDecimal.valueOf(value).setScale(digits, java.math.RoundingMode.HALF_UP).doubleValue();
    }

    private static List<Run> measured(Result r) {
        return r.two() == null ? List.of(r.one()) : List.of(r.one(), r.two());
    }

    /** The summary table's row for benchmark 1. */
    static String summary(Result r) {
        Run one = r.one();
        Ceiling nearest = one.nearest();
        return String.format(Locale.ROOT, "%.1f drafts/s; nearest ceiling: %s, %.0f/s against %.0f/s: **%.3f**"
                + "%s", one.rate(), nearest.unit().label, one.pipelineRate(nearest), nearest.rate(),
                one.share(nearest), r.last() == null ? "" : String.format(Locale.ROOT, " (last run, %s at %s: %.3f)",
                        r.last().date(), r.last().commit(), r.last().share()));
    }

    /** The summary table's row for benchmark 5. */
    static String scaleOutSummary(Result r) {
        if (r.two() == null) {
            return "not run (`-Dbench.overhead.one=true`)";
        }
        return String.format(Locale.ROOT, "service CPU per draft %.1f ms (one instance), %.1f ms (two); %.1f and %.1f"
                + " drafts/s on the same 2 cores", r.one().cpuPerDraftMs(r.one().serviceCpu()),
                r.two().cpuPerDraftMs(r.two().serviceCpu()), r.one().rate(), r.two().rate());
    }

    static String report(Result r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, """
                Commit %s. %,d drafts (%d batches of %d, the intake's largest batch) published to `campaign-batches`; \
                the `local` provider at zero latency with shared renders (one %s clip per frame size, streamed to \
                every job, signed per job); %d worker threads per instance; Kafka, PostgreSQL and S3Proxy embedded as \
                in the demo, started fresh for each run (new broker, new database, empty object store). The clock runs \
                from the first publish to the first poll (every 250 ms) that sees every draft ended (video and poster \
                in S3, job `LANDED`); CPU is read at the same two instants. No profiler is attached to these runs.

                | Instances | Drafts | Failed | Time | Drafts/s | PostgreSQL commits per draft | S3 objects stored per draft | Kafka events per draft |
                |---:|---:|---:|---:|---:|---:|---:|---:|
                """, r.commit(), SHOTS, SHOTS / PER_BATCH, PER_BATCH, r.one().clip(), THREADS));
        for (Run run : measured(r)) {
            out.append(String.format(Locale.ROOT, "| %d | %,d | %d | %.1f s | %.1f | %.2f | %.2f | %.2f |%n",
                    run.instances(), run.shots(), run.failed(), run.seconds(), run.rate(),
                    run.perDraft(run.commits()), run.perDraft(run.objects()), run.perDraft(run.events())));
        }
        out.append("""

                Commits are PostgreSQL's count for the run's database (`pg_stat_database.xact_commit`, read once the \
                outbox had drained), less the benchmark's own reads. CPU in the window (2 cores give 2 CPU-seconds a \
                second): the service processes; this benchmark's process, which runs the Kafka broker and S3Proxy; \
                the PostgreSQL backends serving the run's database (not the server's background processes).

                | Instances | Service | Kafka broker and S3Proxy | PostgreSQL backends | All, of the window's 2 cores | Service per draft | All per draft |
                |---:|---:|---:|---:|---:|---:|---:|
                """);
        for (Run run : measured(r)) {
            double all = run.serviceCpu() + run.stackCpu() + run.postgresCpu();
            out.append(String.format(Locale.ROOT, "| %d | %.0f s | %.0f s | %.0f s | %.0f %% | %.1f ms | %.1f ms |%n",
                    run.instances(), run.serviceCpu(), run.stackCpu(), run.postgresCpu(),
                    100 * all / (2 * run.seconds()), run.cpuPerDraftMs(run.serviceCpu()), run.cpuPerDraftMs(all)));
        }
        if (r.last() != null) {
            Figures now = figures(r);
            Figures was = r.last();
            out.append(String.format(Locale.ROOT, """

                    Against the last run (%s at %s), one instance:

                    | | Last run | This run |
                    |---|---:|---:|
                    | drafts/s | %.1f | %.1f |
                    | PostgreSQL commits per draft | %.2f | %.2f |
                    | service CPU per draft | %.1f ms | %.1f ms |
                    | all CPU per draft | %.1f ms | %.1f ms |
                    | share of the nearest ceiling | %.3f | %.3f |
                    """, was.date(), was.commit(), was.rate(), now.rate(), was.commitsPerDraft(),
                    now.commitsPerDraft(), was.serviceCpuMs(), now.serviceCpuMs(), was.totalCpuMs(), now.totalCpuMs(),
                    was.share(), now.share()));
        }
        out.append("""

                The raw ceilings, measured on each run's stack right after it, against the same broker, database and \
                object store, with what that run produced (its events, its job rows, its stored objects in the same \
                mix of videos and posters):

                | Instances | Part | Operation | Operations | Time | Ceiling per second | Pipeline per second | Share |
                |---:|---|---|---:|---:|---:|---:|---:|
                """);
        for (Run run : measured(r)) {
            for (Ceiling c : run.ceilings()) {
                out.append(String.format(Locale.ROOT, "| %d | %s | %s | %,d | %.1f s | %,.0f | %,.1f %s | %.1f %% |%n",
                        run.instances(), c.part(), c.what(), c.operations(), c.seconds(), c.rate(),
                        run.pipelineRate(c), c.unit().label.replaceFirst("^\\S+ ", ""), 100 * run.share(c)));
            }
        }
        Run one = r.one();
        Ceiling nearest = one.nearest();
        out.append(String.format(Locale.ROOT, """

                **Pipeline / nearest ceiling**, like with like (%s per second): one instance %.1f / %,.0f = **%.3f**                """, nearest.unit().label, one.pipelineRate(nearest), nearest.rate(), one.share(nearest)));
        if (r.two() != null) {
            Ceiling twoNearest = r.two().nearest();
            out.append(String.format(Locale.ROOT, "; two instances %.1f / %,.0f = **%.3f** (%s)",
                    r.two().pipelineRate(twoNearest), twoNearest.rate(), r.two().share(twoNearest),
                    twoNearest.unit().label));
        }
        out.append(" (goal: at least 0.5).\n\n![Share of each operation's measured ceiling the pipeline used]"
                + "(benchmarks-overhead.svg)\n");
        Run p = r.profiled();
        out.append(String.format(Locale.ROOT, """

                Where the service's CPU went: a separate run of %,d drafts on a fresh stack with Java Flight Recorder \
                on (samples; FFmpeg's native work included); its rate (%.1f drafts/s, service CPU %.1f ms per draft) \
                is not used above.

                | Part | Share of samples |
                |---|---:|
                """, p.shots(), p.rate(), p.cpuPerDraftMs(p.serviceCpu())));
        out.append(Profile.table(p.profile(), 10));
        if (r.two() != null) {
            out.append(scaleOut(r));
        }
        return out.toString();
    }

    /**
     * Instances for 10,000 drafts an hour on a real provider: the service's CPU per draft measured here, against
     * the provider's cap and generation time (inputs, stated).
     */
    private static String scaleOut(Result r) {
        double perHour = 10_000;
        double perSecond = perHour / 3600;
        double serviceMs = r.one().cpuPerDraftMs(r.one().serviceCpu());
        double cores = perSecond * serviceMs / 1000;
        int generation = 90;
        int cap = 16;
        double inFlight = perSecond * generation;
        return String.format(Locale.ROOT, """

                Scale-out (benchmark 5): two instances on the same two cores cannot add cores; they used %.1f ms of \
                service CPU per draft against %.1f ms for one (each JVM adds its own compilation, collection and \
                connections). Projection for 10,000 drafts an hour on a real provider, from the one-instance figure:
                10,000 / 3,600 s = %.2f drafts/s; × %.1f ms of service CPU per draft = %.2f cores, so one instance \
                of 2 cores carries it with room to spare (%.0f %% busy) before the landing of real clips, which are \
                larger than the %s test clip (the landing streams them; the memory benchmark shows it flat). What \
                bounds it is the provider: at a generation time of %d s (an input, not measured here) the provider \
                must hold %.2f × %d = %.0f videos in flight, while a cap of %d in flight gives %d / %d s × 3,600 = \
                %.0f drafts an hour. Instances are added for availability and for landing bandwidth, not for \
                orchestration; the cap is what is bought from the provider.
                """, r.two().cpuPerDraftMs(r.two().serviceCpu()), serviceMs, perSecond, serviceMs, cores,
                100 * cores / 2, r.one().clip(), generation, perSecond, generation, inFlight, cap, cap, generation,
                cap * 3600.0 / generation);
    }

    /** How much of each operation's ceiling the pipeline used, one and two instances. */
    static String chart(Result r) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Run run : measured(r)) {
            for (Ceiling c : run.ceilings()) {
                labels.add(run.instances() + " instance" + (run.instances() == 1 ? "" : "s") + ": " + c.part() + " "
                        + c.what().replaceFirst(",.*", "").replaceFirst(" \\(.*", ""));
                values.add(100 * run.share(c));
            }
        }
        return Svg.bars("share of each operation's measured ceiling the pipeline used (%)", labels, values, "%", 50,
                "half");
    }

    // -- the pipeline -------------------------------------------------------------------------------------------

    private static Run onFreshStack(Path root, int instances, String label, int shots, boolean profiled)
            throws Exception {
        // root was emptied at the start of the benchmark.
        Path dir = Files.createDirectories(root.resolve(label));
        String database = "reelflow_bench_" + UUID.randomUUID().toString().substring(0, 8);
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(dir.resolve("stack"), database, true))) {
            Database db = new Database(stack);
            Run run = pipeline(stack, db, dir, database, instances, label, shots, profiled);
            if (profiled) {
                return run;
            }
            List<Ceiling> ceilings = new ArrayList<>(kafka(stack, db));
            ceilings.add(postgres(stack));
            ceilings.add(s3(stack, db, (int) run.objects()));
            return new Run(run.instances(), run.shots(), run.seconds(), run.commits(), run.objects(), run.events(),
                    run.failed(), run.serviceCpu(), run.stackCpu(), run.postgresCpu(), ceilings, run.clip(), Map.of());
        }
    }

    private static Run pipeline(LocalStack stack, Database db, Path dir, String database, int instances,
            String label, int shots, boolean profiled) throws Exception {
        Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
        env.putAll(Map.of("REELFLOW_LOCAL_SHARED_RENDERS", "true",
                "REELFLOW_LOCAL_LATENCY", "PT0S",
                "REELFLOW_LOCAL_SPOOL_DIR", dir.resolve("spool").toString(),
                "REELFLOW_WORKER_CONCURRENCY", Integer.toString(THREADS),
                "REELFLOW_MODELS_LOCAL_PREVIEW_MAX_CONCURRENT_JOBS", "64",
                "REELFLOW_STORAGE_WORK_DIR", dir.resolve("work").toString()));
        List<ServiceProcess> services = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                env.put("REELFLOW_WORKER_INSTANCE_ID", label + "-" + i);
                if (profiled) {
                    env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,filename="
                            + dir.resolve("service-" + i + ".jfr"));
                }
                services.add(new ServiceProcess(env, dir.resolve("service-" + i + ".log")).start());
            }
            String team = "bench-" + label;
            long ownReads = 0;
            long commitsBefore = commits(db);
            ownReads++;
            Cpu before = Cpu.read(services, database);
            Instant started = Instant.now();
            for (int b = 0; b < shots / PER_BATCH; b++) {
                int bi = b;
                Kafka.send(stack.kafka(), "campaign-batches", team + "/b" + b, BenchMain.batch(team, "overhead", "b" + b,
                        "local-preview", "local-preview", PER_BATCH, i -> "Slow dolly in on a ceramic cup at golden hour,"
                                + " steam rising, soft window light. Take b" + bi + "-" + i + "."));
            }
            long ended = 0;
            long lastPrint = 0;
            while (ended < shots) {
                Thread.sleep(250);
                ended = db.count("select count(*) from job where state in ('LANDED', 'FAILED')");
                ownReads++;
                long elapsed = Duration.between(started, Instant.now()).toSeconds();
                if (elapsed >= lastPrint + 5 || ended >= shots) {
                    lastPrint = elapsed;
                    System.out.printf("overhead (%s, %d instance%s): %,d of %,d drafts ended after %d s%n", label,
                            instances, instances == 1 ? "" : "s", ended, shots, elapsed);
                }
            }
            Cpu after = Cpu.read(services, database);
            Instant finished = Instant.now();
            // Events of the last landings may still be on their way out; count once the outbox is drained, and
            // read the commit count once the backends have reported (they flush their counts within a second).
            while (db.count("select count(*) from outbox_event where published_at is null") > 0) {
                ownReads++;
                Thread.sleep(200);
            }
            ownReads++;
            Thread.sleep(1500);
            long commits = commits(db) - commitsBefore - ownReads;
            long events = db.count("select count(*) from outbox_event");
            long failed = db.count("select count(*) from job where state = 'FAILED'");
            long objects = countObjects(stack, team + "/");
            String clip = db.query("select size_bytes from job where state = 'LANDED' limit 1").get(0)
                    .get("size_bytes") + " bytes";
            for (ServiceProcess service : services) {
                service.stop();
            }
            Map<String, Double> profile = profiled ? Profile.shares(dir.resolve("service-0.jfr")) : Map.of();
            return new Run(instances, shots, Duration.between(started, finished).toMillis() / 1000.0, commits,
                    objects, events, failed, after.service() - before.service(), after.stack() - before.stack(),
                    after.postgres(before), List.of(), clip, profile);
        } finally {
            for (ServiceProcess service : services) {
                service.stop();
            }
        }
    }

    /** CPU seconds used so far by the services, this process, and each PostgreSQL backend of the run's database. */
    record Cpu(double service, double stack, Map<Long, Double> backends) {

        static Cpu read(List<ServiceProcess> services, String database) {
            Map<Long, Double> backends = new HashMap<>();
            ProcessHandle.allProcesses().forEach(p -> {
                String title = commandLine(p.pid());
                if (title.startsWith("postgres: ") && title.contains(" " + database + " ")) {
                    backends.put(p.pid(), cpuSeconds(p.pid()));
                }
            });
            return new Cpu(services.stream().mapToDouble(sp -> cpuSeconds(sp.pid())).sum(),
                    cpuSeconds(ProcessHandle.current().pid()), backends);
        }

        /** CPU the backends used since {@code before}; a backend that started in between counts in full. */
        double postgres(Cpu before) {
            return backends.entrySet().stream()
                    .mapToDouble(e -> e.getValue() - before.backends().getOrDefault(e.getKey(), 0.0)).sum();
        }
    }

    /** CPU seconds a process has used (user and system), from {@code /proc}. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (Exception e) {
            return 0;
        }
    }

    /** A process's command line as {@code ps} shows it (PostgreSQL backends show their user, database and state). */
    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (Exception e) {
            return "";
        }
    }

    private static long commits(Database db) {
        return db.count("select xact_commit from pg_stat_database where datname = current_database()");
    }

    // -- the ceilings -------------------------------------------------------------------------------------------

    /** Produces the pipeline's own events again to a fresh topic, then consumes them. */
    private static List<Ceiling> kafka(LocalStack stack, Database db) throws Exception {
        List<Map<String, Object>> events = db.query("select message_key, payload from outbox_event order by id");
        String topic = "bench-ceiling-" + UUID.randomUUID();
        Properties p = stack.kafka().clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        Instant start;
        double produce;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            // Warm the connection and create the topic before the clock starts.
            producer.send(new ProducerRecord<>(topic, "warm", "{}")).get();
            start = Instant.now();
            List<Future<?>> sent = new ArrayList<>();
            for (Map<String, Object> e : events) {
                sent.add(producer.send(new ProducerRecord<>(topic, (String) e.get("message_key"), (String) e.get("payload"))));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get();
            }
            produce = seconds(start);
        }
        Properties c = stack.kafka().clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        int read = 0;
        double consume;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            start = Instant.now();
            while (read < events.size() + 1) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                for (var record : records) {
                    JSON.readTree(record.value());
                    read++;
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
            consume = seconds(start);
        }
        return List.of(new Ceiling("Kafka", "produce (acks=all), the run's events", Unit.EVENTS, events.size(), produce),
                new Ceiling("Kafka", "consume and commit, the same events", Unit.EVENTS, read, consume));
    }

    /** Inserts copies of the run's job rows into a table shaped like {@code job}, one row per commit. */
    private static Ceiling postgres(LocalStack stack) throws Exception {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword())) {
            c.createStatement().execute("create table bench_job (like job including all)");
            try (ResultSet rs = c.createStatement().executeQuery("select id from job order by created_at")) {
                while (rs.next()) {
                    ids.add((UUID) rs.getObject(1));
                }
            }
        }
        double took = inParallel(ids.size(), () -> {
            Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
            PreparedStatement s = c.prepareStatement("insert into bench_job select * from job where id = ?");
            return new Worker() {
                @Override
                public void accept(int i) throws Exception {
                    s.setObject(1, ids.get(i));
                    s.executeUpdate();
                }

                @Override
                public void close() throws Exception {
                    c.close();
                }
            };
        });
        int rows = ids.size();
        return new Ceiling("PostgreSQL", "commit one job row (autocommit insert), " + THREADS + " connections",
                Unit.COMMITS, rows, took);
    }

    /** Passes of the S3 ceiling: the same PUTs made again, the faster pass counting (noise only ever slows one). */
    private static final int S3_PASSES = 2;

    /**
     * PUTs what a landed draft stored (its video and its poster, alternately, so in the pipeline's own mix) again
     * under a scratch prefix, as many objects as the run stored, in {@link #S3_PASSES} passes: the faster one is
     * the ceiling. Passes on this machine have differed by half (477 and 714 objects a second minutes apart), so one
     * slow pass would flatter the pipeline's share.
     */
    private static Ceiling s3(LocalStack stack, Database db, int objects) throws Exception {
        Map<String, Object> landed = db.query("select object_key, poster_key from job where state = 'LANDED' limit 1")
                .get(0);
        try (S3Client s3 = Storage.client(stack)) {
            byte[] clip = s3.getObjectAsBytes(b -> b.bucket(stack.bucket()).key((String) landed.get("object_key")))
                    .asByteArray();
            byte[] poster = s3.getObjectAsBytes(b -> b.bucket(stack.bucket()).key((String) landed.get("poster_key")))
                    .asByteArray();
            List<Double> passes = new ArrayList<>();
            for (int pass = 0; pass < S3_PASSES; pass++) {
                String prefix = "bench-ceiling/" + pass + "/";
                passes.add(inParallel(objects, () -> i -> {
                    boolean video = i % 2 == 0;
                    s3.putObject(b -> b.bucket(stack.bucket()).key(prefix + i + (video ? ".mp4" : ".jpg"))
                            .contentType(video ? "video/mp4" : "image/jpeg"), RequestBody.fromBytes(video ? clip : poster));
                }));
            }
            double fastest = passes.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            String each = passes.stream().map(took -> String.format(Locale.ROOT, "%,.0f", objects / took))
                    .collect(java.util.stream.Collectors.joining(" and "));
            return new Ceiling("S3", "PUT the run's video (" + clip.length + " bytes) and poster (" + poster.length
                    + " bytes) alternately, " + THREADS + " clients; the faster of " + S3_PASSES + " passes (" + each
                    + " a second)", Unit.OBJECTS, objects, fastest);
        }
    }

    private static long countObjects(LocalStack stack, String prefix) {
        try (S3Client s3 = Storage.client(stack)) {
            // Only objects: a file system backed S3 server also lists the directories it made.
            return s3.listObjectsV2Paginator(b -> b.bucket(stack.bucket()).prefix(prefix)).contents().stream()
                    .filter(o -> o.key().substring(o.key().lastIndexOf('/') + 1).contains(".")).count();
        }
    }

    /** One client's work: operation {@code i}, then closed. */
    interface Worker extends AutoCloseable {
        void accept(int i) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    interface WorkerFactory {
        Worker open() throws Exception;
    }

    /** Runs operations 0..count-1 on {@link #THREADS} clients taking the next one as they go; the seconds taken. */
    private static double inParallel(int count, WorkerFactory clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Worker> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(clients.open());
            }
            Instant start = Instant.now();
            List<Future<?>> done = new ArrayList<>();
            for (Worker worker : workers) {
                done.add(pool.submit(() -> {
                    try (worker) {
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            worker.accept(i);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return seconds(start);
        } finally {
            pool.shutdown();
        }
    }

    private static double seconds(Instant start) {
        return Duration.between(start, Instant.now()).toMillis() / 1000.0;
    }
}
