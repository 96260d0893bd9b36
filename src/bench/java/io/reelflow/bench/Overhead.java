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
 * Benchmarks 1 and 5: the pipeline's own overhead. 10,000 drafts through intake, job worker and landing with the
 * {@code local} provider at zero latency and shared tiny renders, on one and then two service instances; in the
 * same run, on the same stack, the raw ceilings of the parts the pipeline uses, driven with the very messages,
 * rows and objects the pipeline produced.
 */
final class Overhead {

    static final int SHOTS = Integer.getInteger("bench.shots", 10_000);
    static final int PER_BATCH = 500;
    static final int THREADS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One pipeline run: its rate and what it did per shot. */
    record Run(int instances, int shots, double seconds, long commits, long puts, long events, long failed,
            double serviceCpu, double stackCpu, double postgresCpu, Map<String, Double> profile) {
        double rate() {
            return shots / seconds;
        }
    }

    /** One part's ceiling: operations per second with {@link #THREADS} clients (Kafka: one client). */
    record Ceiling(String part, String what, int operations, double seconds) {
        double rate() {
            return operations / seconds;
        }
    }

    record Result(Run one, Run two, List<Ceiling> ceilings, String clip) {
    }

    private Overhead() {
    }

    static Result run() throws Exception {
        Path dir = Path.of("target", "bench", "overhead").toAbsolutePath();
        Files.createDirectories(dir);
        String database = "reelflow_bench_" + UUID.randomUUID().toString().substring(0, 8);
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(dir, database, true))) {
            Database db = new Database(stack);
            Run one = pipeline(stack, db, dir, 1, "one");
            System.out.printf(Locale.ROOT, "overhead (1 instance): %.1f drafts/s, %.1f commits per draft,"
                    + " service CPU %.1f ms per draft, PostgreSQL CPU %.1f ms per draft%n", one.rate(),
                    (double) one.commits() / one.shots(), 1000 * one.serviceCpu() / one.shots(),
                    1000 * one.postgresCpu() / one.shots());
            String clip = db.query("select size_bytes from job where state = 'LANDED' limit 1").get(0).get("size_bytes")
                    + " bytes";
            List<Ceiling> ceilings = new ArrayList<>();
            ceilings.addAll(kafka(stack, db));
            ceilings.add(postgres(stack));
            ceilings.add(s3(stack, db));
            Run two = pipeline(stack, db, dir, 2, "two");
            return new Result(one, two, ceilings, clip);
        }
    }

    static String report(Result r) {
        Ceiling slowest = r.ceilings().stream().min(java.util.Comparator.comparingDouble(Ceiling::rate)).orElseThrow();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, """
                %,d drafts (%d batches of %d, the intake's largest batch) published to `campaign-batches`; the `local` \
                provider at zero latency with shared renders (one %s clip per frame size, streamed to every job); \
                %d worker threads per instance; Kafka, PostgreSQL and S3Proxy embedded as in the demo. The clock runs \
                from the first publish to the last draft landed (video and poster in S3, job `LANDED`, events written).

                | Instances | Drafts | Failed | Time | Drafts/s | PostgreSQL commits per draft | S3 objects stored per draft | Kafka events per draft |
                |---:|---:|---:|---:|---:|---:|---:|---:|
                """, SHOTS, SHOTS / PER_BATCH, PER_BATCH, r.clip(), THREADS));
        for (Run run : List.of(r.one(), r.two())) {
            out.append(String.format(Locale.ROOT, "| %d | %,d | %d | %.1f s | %.1f | %.1f | %.1f | %.1f |%n",
                    run.instances(), run.shots(), run.failed(), run.seconds(), run.rate(),
                    run.commits() / (double) run.shots(), run.puts() / (double) run.shots(),
                    run.events() / (double) run.shots()));
        }
        out.append("""

                CPU used over the run (2 cores give 2 CPU-seconds a second): the service processes; this benchmark's \
                own process, which runs the Kafka broker and S3Proxy; PostgreSQL.

                | Instances | Service | Kafka broker and S3Proxy | PostgreSQL | Total per draft |
                |---:|---:|---:|---:|---:|
                """);
        for (Run run : List.of(r.one(), r.two())) {
            out.append(String.format(Locale.ROOT, "| %d | %.0f s | %.0f s | %.0f s | %.1f ms |%n", run.instances(),
                    run.serviceCpu(), run.stackCpu(), run.postgresCpu(),
                    1000 * (run.serviceCpu() + run.stackCpu() + run.postgresCpu()) / run.shots()));
        }
        out.append("""

                Where the service's CPU went (one instance; Java Flight Recorder samples, FFmpeg's native work included):

                | Part | Share of samples |
                |---|---:|
                """);
        out.append(Profile.table(r.one().profile(), 10));
        out.append("""

                The raw ceilings, measured in the same run against the same broker, database and object store with \
                what the pipeline itself produced:

                | Part | Operation | Operations | Time | Per second | Pipeline (1 instance) uses |
                |---|---|---:|---:|---:|---:|
                """);
        for (Ceiling c : r.ceilings()) {
            double perDraft = perDraft(r.one(), c);
            out.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.1f s | %,.0f | %.0f %% |%n", c.part(), c.what(),
                    c.operations(), c.seconds(), c.rate(), 100 * r.one().rate() * perDraft / c.rate()));
        }
        out.append(String.format(Locale.ROOT, """

                **Pipeline rate / slowest ceiling** (%s %s, %,.0f/s): one instance %.1f / %,.0f = **%.3f**; \
                two instances %.1f / %,.0f = **%.3f** (goal: at least 0.5).

                ![Share of each part's measured ceiling the pipeline used](benchmarks-overhead.svg)
                """, slowest.part(), slowest.what(), slowest.rate(), r.one().rate(), slowest.rate(),
                r.one().rate() / slowest.rate(), r.two().rate(), slowest.rate(), r.two().rate() / slowest.rate()));
        return out.toString();
    }

    /** How much of each part's ceiling the pipeline used, one and two instances. */
    static String chart(Result r) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Run run : List.of(r.one(), r.two())) {
            for (Ceiling c : r.ceilings()) {
                labels.add(run.instances() + " instance" + (run.instances() == 1 ? "" : "s") + ": " + c.part() + " "
                        + c.what().replaceFirst(",.*", "").replaceFirst(" \\(.*", ""));
                values.add(100 * run.rate() * perDraft(run, c) / c.rate());
            }
        }
        return Svg.bars("share of each part's measured ceiling the pipeline used (%)", labels, values, "%", 50,
                "half");
    }

    private static double perDraft(Run run, Ceiling c) {
        return switch (c.part()) {
            case "PostgreSQL" -> run.commits() / (double) run.shots();
            case "S3" -> run.puts() / (double) run.shots();
            default -> run.events() / (double) run.shots();
        };
    }

    // -- the pipeline -------------------------------------------------------------------------------------------

    private static Run pipeline(LocalStack stack, Database db, Path dir, int instances, String label) throws Exception {
        Map<String, String> env = new HashMap<>(stack.serviceEnvironment());
        env.putAll(Map.of("REELFLOW_LOCAL_SHARED_RENDERS", "true",
                "REELFLOW_LOCAL_LATENCY", "PT0S",
                "REELFLOW_LOCAL_SPOOL_DIR", dir.resolve("spool-" + label).toString(),
                "REELFLOW_WORKER_CONCURRENCY", Integer.toString(THREADS),
                "REELFLOW_MODELS_LOCAL_PREVIEW_MAX_CONCURRENT_JOBS", "64",
                "REELFLOW_STORAGE_WORK_DIR", dir.resolve("work-" + label).toString()));
        List<ServiceProcess> services = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                env.put("REELFLOW_WORKER_INSTANCE_ID", label + "-" + i);
                env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,filename="
                        + dir.resolve("service-" + label + "-" + i + ".jfr"));
                services.add(new ServiceProcess(env, dir.resolve("service-" + label + "-" + i + ".log")).start());
            }
            String team = "bench-" + label;
            long commitsBefore = commits(db);
            double serviceCpuBefore = services.stream().mapToDouble(sp -> cpuSeconds(sp.pid())).sum();
            double stackCpuBefore = cpuSeconds(ProcessHandle.current().pid());
            double postgresCpuBefore = postgresCpuSeconds();
            long eventsBefore = db.count("select count(*) from outbox_event");
            Instant started = Instant.now();
            for (int b = 0; b < SHOTS / PER_BATCH; b++) {
                int bi = b;
                Kafka.send(stack.kafka(), "campaign-batches", team + "/b" + b, BenchMain.batch(team, "overhead", "b" + b,
                        "local-preview", "local-preview", PER_BATCH, i -> "Slow dolly in on a ceramic cup at golden hour,"
                                + " steam rising, soft window light. Take b" + bi + "-" + i + "."));
            }
            long ended = 0;
            while (ended < SHOTS) {
                Thread.sleep(1000);
                ended = db.count("select count(*) from job j join shot s on s.id = j.shot_id join batch b on b.id = s.batch_id"
                        + " where b.team = ? and j.state in ('LANDED', 'FAILED')", team);
                System.out.printf("overhead (%d instance%s): %,d of %,d drafts ended after %d s%n", instances,
                        instances == 1 ? "" : "s", ended, SHOTS, Duration.between(started, Instant.now()).toSeconds());
            }
            Instant finished = instant(db.query("select max(j.landed_at) as t from job j join shot s on s.id = j.shot_id"
                    + " join batch b on b.id = s.batch_id where b.team = ?", team).get(0).get("t"));
            // Events of the last landings may still be on their way out; count once the outbox is drained.
            while (db.count("select count(*) from outbox_event where published_at is null") > 0) {
                Thread.sleep(200);
            }
            long commits = commits(db) - commitsBefore;
            long events = db.count("select count(*) from outbox_event") - eventsBefore;
            long failed = db.count("select count(*) from job j join shot s on s.id = j.shot_id join batch b"
                    + " on b.id = s.batch_id where b.team = ? and j.state = 'FAILED'", team);
            long puts = countObjects(stack, team + "/");
            double serviceCpu = services.stream().mapToDouble(sp -> cpuSeconds(sp.pid())).sum() - serviceCpuBefore;
            double stackCpu = cpuSeconds(ProcessHandle.current().pid()) - stackCpuBefore;
            double postgresCpu = postgresCpuSeconds() - postgresCpuBefore;
            for (ServiceProcess service : services) {
                service.stop();
            }
            Map<String, Double> profile = Profile.shares(dir.resolve("service-" + label + "-0.jfr"));
            return new Run(instances, SHOTS, Duration.between(started, finished).toMillis() / 1000.0, commits, puts,
                    events, failed, serviceCpu, stackCpu, postgresCpu, profile);
        } finally {
            for (ServiceProcess service : services) {
                service.stop();
            }
        }
    }

    /** CPU seconds a process has used (user and system), from {@code /proc}. */
    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (Exception e) {
            return 0;
        }
    }

    /** CPU seconds of every PostgreSQL process on this machine. */
    private static double postgresCpuSeconds() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
                .mapToDouble(p -> cpuSeconds(p.pid())).sum();
    }

    private static long commits(Database db) {
        return db.count("select xact_commit from pg_stat_database where datname = current_database()");
    }

    private static Instant instant(Object value) {
        return value instanceof java.sql.Timestamp t ? t.toInstant() : ((java.time.OffsetDateTime) value).toInstant();
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
        return List.of(new Ceiling("Kafka", "produce (acks=all), the run's events", events.size(), produce),
                new Ceiling("Kafka", "consume and commit, the same events", read, consume));
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
        return new Ceiling("PostgreSQL", "commit one job row (autocommit insert), " + THREADS + " connections", rows, took);
    }

    /** PUTs the landed clip's bytes again under a scratch prefix, as many times as there were drafts. */
    private static Ceiling s3(LocalStack stack, Database db) throws Exception {
        String key = (String) db.query("select object_key from job where state = 'LANDED' limit 1").get(0).get("object_key");
        try (S3Client s3 = Storage.client(stack)) {
            byte[] clip = s3.getObjectAsBytes(b -> b.bucket(stack.bucket()).key(key)).asByteArray();
            double took = inParallel(SHOTS, () -> i -> s3.putObject(b -> b.bucket(stack.bucket())
                    .key("bench-ceiling/" + i + ".mp4").contentType("video/mp4"), RequestBody.fromBytes(clip)));
            int puts = SHOTS;
            return new Ceiling("S3", "PUT a landed clip (" + clip.length + " bytes), " + THREADS + " clients", puts, took);
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
