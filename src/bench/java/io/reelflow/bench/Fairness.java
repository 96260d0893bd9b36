package io.reelflow.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.reelflow.localstack.LocalStack;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Database;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.providers.OpenAiStandIn;

/**
 * Fair share: a one-shot batch of team bravo, its time to first draft (sent on Kafka to its draft landed) on an idle
 * service and behind team alpha's 1,000-draft backlog, against the OpenAI stand-in (2-5 s a video, cap 16) as in the
 * saturation benchmark.
 */
final class Fairness {

    static final int BACKLOG = 1000;
    static final int CAP = 16;
    static final int RUNS = 5;

    /** One of bravo's one-shot batches: how long its draft took, and how many of alpha's jobs waited when it was sent. */
    record Run(double seconds, long alphaWaiting) {
    }

    record Result(List<Run> idle, List<Run> loaded, long alphaLandedAtEnd, double meanClipSeconds) {
    }

    private Fairness() {
    }

    static Result run() throws Exception {
        BenchMain.StandInRun run = BenchMain.StandInRun.named("fairness");
        Path dir = run.dir();
        String secret = run.secret();
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(dir, run.database(), true));
                OpenAiStandIn standIn = new OpenAiStandIn(run.apiKey(), dir.resolve("stand-in"), null)) {
            Map<String, String> env = BenchMain.standInService(stack, standIn, run.apiKey(), CAP, dir);
            env.put("REELFLOW_PROVIDERS_OPENAI_WEBHOOK_SECRET", secret);
            Database db = new Database(stack);
            try (ServiceProcess service = new ServiceProcess(env, dir.resolve("service.log"))) {
                standIn.webhooks(service.baseUrl() + "/webhooks/openai", secret);
                service.start();
                List<Run> idle = new ArrayList<>();
                for (int i = 0; i < RUNS; i++) {
                    idle.add(bravo(stack, db, "idle-" + i));
                }
                for (int b = 0; b < BACKLOG / 500; b++) {
                    Kafka.send(stack.kafka(), "campaign-batches", "alpha/backlog-" + b, BenchMain.batch("alpha",
                            "fairness", "backlog-" + b, "sora-2", null, 500,
                            i -> "Slow dolly in on a ceramic cup at golden hour, steam rising. Take " + i + "."));
                }
                while (db.count("select count(*) from job where team = 'alpha'") < BACKLOG
                        || db.count("select count(*) from job where team = 'alpha' and submitted_at is not null") < CAP) {
                    Thread.sleep(200);
                }
                List<Run> loaded = new ArrayList<>();
                for (int i = 0; i < RUNS; i++) {
                    loaded.add(bravo(stack, db, "loaded-" + i));
                    System.out.printf("fairness: bravo's draft %d behind alpha's backlog: %.1f s%n", i + 1,
                            loaded.get(i).seconds());
                }
                long alphaLanded = db.count("select count(*) from job where team = 'alpha' and state = 'LANDED'");
                double meanClip = standIn.completions().stream()
                        .mapToDouble(c -> Duration.between(c[0], c[1]).toMillis() / 1000.0).average().orElse(0);
                return new Result(idle, loaded, alphaLanded, meanClip);
            }
        }
    }

    /** Sends bravo's one-shot batch and waits for its draft to land. */
    private static Run bravo(LocalStack stack, Database db, String batchId) throws Exception {
        long waiting = db.count("select count(*) from job where team = 'alpha' and state in ('PENDING', 'HELD')");
        Instant sent = Instant.now();
        Kafka.send(stack.kafka(), "campaign-batches", "bravo/" + batchId, BenchMain.batch("bravo", "fairness", batchId,
                "sora-2", null, 1, i -> "Orbit around a bicycle under a warm street lamp at night, take " + batchId + "."));
        while (true) {
            var landed = db.query("select j.landed_at from job j join batch b on b.id = j.batch_id"
                    + " where b.team = 'bravo' and b.batch_key = ? and j.state = 'LANDED'", batchId);
            if (!landed.isEmpty()) {
                Object at = landed.get(0).get("landed_at");
                Instant t = at instanceof java.sql.Timestamp ts ? ts.toInstant() : ((java.time.OffsetDateTime) at).toInstant();
                return new Run(Duration.between(sent, t).toMillis() / 1000.0, waiting);
            }
            Thread.sleep(100);
        }
    }

    static String report(Result r) {
        double idle = median(r.idle());
        double worst = r.loaded().stream().mapToDouble(Run::seconds).max().orElse(0);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, """
                Team bravo sends a one-shot batch on `sora-2` (the OpenAI stand-in, each video a uniform 2-5 s, cap %d, \
                one instance with 8 worker threads, webhooks on), %d times on an idle service and %d times behind team \
                alpha's %,d-draft backlog on the same model, each after the previous one landed. Time to first draft: \
                from the batch sent on Kafka to its draft landed in S3. Goal: behind the backlog, within one clip's \
                generation time (at most 5 s here) of the idle time.

                | bravo's batch | Alpha's drafts waiting when sent | Time to first draft | First-come-first-served would have waited (estimate) |
                |---|---:|---:|---:|
                """, CAP, r.idle().size(), r.loaded().size(), BACKLOG));
        for (int i = 0; i < r.idle().size(); i++) {
            out.append(String.format(Locale.ROOT, "| idle %d | %d | %.1f s | |%n", i + 1, r.idle().get(i).alphaWaiting(),
                    r.idle().get(i).seconds()));
        }
        for (int i = 0; i < r.loaded().size(); i++) {
            Run run = r.loaded().get(i);
            out.append(String.format(Locale.ROOT, "| behind the backlog %d | %d | %.1f s | %.0f s |%n", i + 1,
                    run.alphaWaiting(), run.seconds(), run.alphaWaiting() * r.meanClipSeconds() / CAP));
        }
        out.append(String.format(Locale.ROOT, """

                Idle median %.1f s; behind the backlog median %.1f s, worst %.1f s: the worst is %.1f s over the idle \
                median (goal: at most 5 s) — %s. The estimate for first come, first served is alpha's waiting drafts \
                times the mean clip time of the run (%.2f s) over the cap. Alpha's drafts landed by the end: %d of %,d \
                (the run stops when bravo's last draft lands).
                """, idle, median(r.loaded()), worst, worst - idle, worst - idle <= 5 ? "met" : "not met",
                r.meanClipSeconds(), r.alphaLandedAtEnd(), BACKLOG));
        return out.toString();
    }

    /** Median time to B's first draft with nothing else queued. */
    static double idle(Result r) {
        return median(r.idle());
    }

    /** Worst time to B's first draft behind the backlog. */
    static double worst(Result r) {
        return r.loaded().stream().mapToDouble(Run::seconds).max().orElse(0);
    }

    private static double median(List<Run> runs) {
        double[] s = runs.stream().mapToDouble(Run::seconds).sorted().toArray();
        return s.length == 0 ? 0 : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
