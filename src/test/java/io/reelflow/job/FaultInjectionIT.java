package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.Intervals;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.Metrics;
import io.reelflow.testkit.TestData;

/**
 * The fault-injection suite: the packaged service, a real Kafka broker, a real PostgreSQL server, a real S3
 * server and a counting OpenAI Videos API stand-in (it keeps every create call and the sha256 of every file it
 * serves). Each scenario injects faults into a run of drafts and then checks the same guarantees:
 * <ul>
 * <li>no job lost: every shot has a job that ended {@code LANDED}, {@code FAILED} with its reason, or (where
 * the budget ran out) {@code HELD} with its reason;
 * <li>no duplicate create call at the provider (prompts are unique per shot);
 * <li>every landed object is byte for byte the file the provider served (sha256);
 * <li>no budget exceeded: neither the ledger's committed spend nor the provider's bill for the videos it made;
 * <li>no duplicate events on {@code video-events} beyond the documented guarantee: at least once, with one
 * {@code eventId} per fact (redeliveries of an id are counted and allowed; two ids for one fact are not).
 * </ul>
 * The results are written to {@code target/reliability/results.md}; with {@code -Dreelflow.reliability.publish=true}
 * they also replace the table in {@code docs/reliability.md}. Faults are timed from a seeded random generator
 * ({@code -Dreelflow.faults.seed}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {

    static final long SEED = Long.getLong("reelflow.faults.seed", ReliabilityReport.MAIN_SEED);
    /** Kills forced into the window between a create call reaching the provider and its answer, in every run. */
    static final int SUBMITTING_KILLS = 3;
    /** sora-2 at $0.10 a second: a 4-second draft. */
    static final BigDecimal DRAFT_PRICE = new BigDecimal("0.40");

    private final Random random = new Random(SEED);
    private final String apiKey = "test-" + HexFormat.of().formatHex(TestData.random(12));
    private final List<Scenario.Row> rows = new ArrayList<>();
    private ItStack it;
    private EventStream events;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(FaultInjectionIT.class, true);
        events = EventStream.open(it.stack.kafka(), "video-events");
    }

    @AfterAll
    void stop() throws Exception {
        try {
            ReliabilityReport.write(rows, SEED, it.dir.resolve("logs"));
        } finally {
            Closing.all(events, it);
        }
    }

    /**
     * 120 drafts; the service is killed with SIGKILL over and over until the run is done, three times while a create
     * call's answer is held at the provider. The campaign budget covers 100 drafts: exactly 100 land and 20 wait in
     * HELD(budget), so no reservation was lost or doubled by a kill.
     */
    @Test
    @Order(1)
    void killedAgainAndAgain() throws Exception {
        int shots = 120;
        int affordable = 100;
        try (Scenario run = scenario("sigkill", shots, DRAFT_PRICE.multiply(BigDecimal.valueOf(affordable)))) {
            run.standIn.latency(Duration.ofSeconds(1), Duration.ofSeconds(3));
            run.submit(Scenario::scene);
            int kills = 0;
            List<String> killedInFlight = new ArrayList<>();
            while (!run.settled()) {
                boolean inFlight = kills % 3 == 0 && killedInFlight.size() < SUBMITTING_KILLS;
                if (inFlight) {
                    run.standIn.holdNextCreateAnswer();
                }
                ServiceProcess service = run.start("life-" + (kills + 1), Map.of());
                if (inFlight) {
                    // Forced: the kill falls after a create call reached the provider and before its answer, the
                    // job committed as SUBMITTING; the next life must find that video instead of paying again.
                    killedInFlight.add(killWhileACreateIsHeld(run, service));
                    kills++;
                    continue;
                }
                // Each other life lands a random number of drafts (5 to 24), or works 8 s when it cannot (leases of
                // the last life still held, the budget holding the rest), so the kill strikes at a different point
                // of the pipeline every time.
                run.awaitProgress(5 + random.nextInt(20), Duration.ofSeconds(8));
                if (run.settled()) {
                    service.stop();
                    break;
                }
                service.kill();
                kills++;
                assertThat(kills).as("kills before the run settled").isLessThan(60);
            }
            try (ServiceProcess last = run.start("after-kills", Map.of())) {
                // Started once more after the last kill so that the relay publishes what the last life committed.
                run.awaitSettled(Duration.ofMinutes(3));
                run.awaitEvents(Duration.ofMinutes(1));
            }
            long reconciled = run.logLines(" reconciled: ").values().stream().mapToLong(Long::longValue).sum();
            Scenario.Row row = run.verify(kills + " SIGKILLs, " + killedInFlight.size() + " of them forced between a"
                    + " create call reaching the provider and its answer; " + reconciled + " create calls left"
                    + " unfinished by a kill reconciled");
            assertThat(row.landed()).isEqualTo(affordable);
            assertThat(row.held()).isEqualTo(shots - affordable);
            assertThat(kills).isGreaterThanOrEqualTo(5);
            assertThat(killedInFlight).hasSize(SUBMITTING_KILLS);
            // Each video whose answer the kill cut off was adopted by its job: landed from the provider's own id.
            for (String video : killedInFlight) {
                assertThat(it.db.count("select count(*) from job where provider_job_id = ? and state = 'LANDED'", video))
                        .as("the job of video %s, created before a kill, landed from it", video).isEqualTo(1);
            }
            assertThat(reconciled).isGreaterThanOrEqualTo(SUBMITTING_KILLS);
        }
    }

    /**
     * The Kafka broker is shut down while drafts are made, until the relay has failed to send three events to it (its
     * send timeout is 2 s here), then started again; a second batch is sent after it is back.
     */
    @Test
    @Order(2)
    void brokerRestarted() throws Exception {
        outage("kafka-restart", Map.of("REELFLOW_OUTBOX_SEND_TIMEOUT", "PT2S"), (run, service) -> {
            Instant down = Instant.now();
            it.stack.stopKafka();
            double failed = awaitCount(service, "reelflow_outbox_send_failures_total", 3);
            Duration away = Duration.between(down, Instant.now());
            it.stack.startKafka();
            run.submitMore("after-restart", 10, Scenario::scene);
            return "broker down " + seconds(away) + " at 10 landed, until " + (long) failed + " sends had failed on"
                    + " it; 10 more shots sent after";
        });
    }

    /**
     * PostgreSQL is stopped for 5 s while drafts are made, then starts again: the pooled connections the service
     * held break, and the pool must have found and replaced them (its destroyed-connection count).
     */
    @Test
    @Order(3)
    void databaseRestarted() throws Exception {
        outage("postgres-restart", Map.of(), (run, service) -> {
            double destroyedBefore = poolDestroyed(Metrics.of(service));
            it.stack.restartPostgres(Duration.ofSeconds(5));
            run.awaitProgress(10, Duration.ofMinutes(2));
            double broken = poolDestroyed(Metrics.of(service)) - destroyedBefore;
            assertThat(broken).as("pooled connections broken by the restart and replaced").isPositive();
            return "database down 5 s at 10 landed; " + (long) broken + " pooled connections broken and replaced";
        });
    }

    /** The S3 server is taken away while results are being uploaded, until three uploads have failed on it. */
    @Test
    @Order(4)
    void storageAway() throws Exception {
        outage("s3-outage", Map.of(), (run, service) -> {
            Instant away = Instant.now();
            it.stack.stopStorage();
            double failed = awaitCount(service, "reelflow_storage_failures_total", 3, "operation=\"PutObject\"");
            Duration outage = Duration.between(away, Instant.now());
            it.stack.startStorage();
            return "S3 away " + seconds(outage) + " at 10 landed, until " + (long) failed + " uploads had failed on it";
        });
    }

    /** A part of the stack that fails while a run is at work; says what was done and what it met. */
    private interface Fault {
        String inject(Scenario run, ServiceProcess service) throws Exception;
    }

    /**
     * 40 drafts on one service instance; once 10 have landed, {@code fault} is injected. The service must ride it
     * out (stay up) and the run must end with the suite's guarantees.
     */
    private void outage(String name, Map<String, String> env, Fault fault) throws Exception {
        try (Scenario run = scenario(name, 40, new BigDecimal("20.00"))) {
            ServiceProcess service = run.start("service", env);
            run.submit(Scenario::scene);
            run.awaitLanded(10, Duration.ofMinutes(3));
            String faults = fault.inject(run, service);
            run.awaitSettled(Duration.ofMinutes(5));
            run.awaitEvents(Duration.ofMinutes(2));
            assertThat(service.alive()).as("%s: the service rode out the fault", name).isTrue();
            service.stop();
            run.verify(faults);
        }
    }

    /** Waits until the service's counter {@code name} (its series with {@code labels}) reaches {@code atLeast}. */
    private static double awaitCount(ServiceProcess service, String name, double atLeast, String... labels) {
        return Awaitility.await(name + " >= " + atLeast).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> Metrics.of(service).sum(name, labels), n -> n >= atLeast);
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** Connections the pool has destroyed (found broken, or retired). */
    private static double poolDestroyed(Metrics metrics) {
        return metrics.sum("agroal_destroy_count_total") + metrics.sum("agroal_destroy_count");
    }

    /**
     * Provider faults, six shots each: moderation refusal, 429 with Retry-After, two 500s on status, connection
     * reset after an accepted create, finished but empty, expired download link, download cut off half way;
     * plus a 4-second burst of 500s on every request. The ledger charges exactly the videos the provider made.
     */
    @Test
    @Order(5)
    void providerFaults() throws Exception {
        List<String> faults = List.of("[moderation]", "[ratelimit]", "[flaky-status]", "[reset]", "[empty]",
                "[expired]", "[cut]");
        int shots = 70;
        try (Scenario run = scenario("provider-faults", shots, new BigDecimal("26.00"))) {
            ServiceProcess service = run.start("service", Map.of());
            run.submit(i -> Scenario.scene(i) + (i < 42 ? " " + faults.get(i % faults.size()) : ""));
            run.awaitLanded(10, Duration.ofMinutes(3));
            run.standIn.serverErrors(Duration.ofSeconds(4));
            run.awaitSettled(Duration.ofMinutes(6));
            run.awaitEvents(Duration.ofMinutes(1));
            service.stop();
            Scenario.Row row = run.verify("42 faulty shots (6 of each of 7 faults) and "
                    + run.standIn.serverErrorsAnswered() + " requests answered 500 in a 4 s burst");
            Map<String, String> reasons = run.failureReasons();
            assertThat(reasons).hasSize(18);
            assertThat(reasons.entrySet()).allSatisfy(failed -> {
                if (failed.getKey().contains("[moderation]")) {
                    assertThat(failed.getValue()).startsWith("moderation: ");
                } else if (failed.getKey().contains("[empty]")) {
                    assertThat(failed.getValue()).contains("result was empty in 3 downloads");
                } else {
                    assertThat(failed.getKey()).contains("[expired]");
                    assertThat(failed.getValue()).contains("expired");
                }
            });
            assertThat(row.landed()).isEqualTo(shots - 18);
            // Every video the provider made is charged once (landed, empty and expired alike); refusals are not.
            assertThat(run.ledgerCharged()).isEqualByComparingTo(DRAFT_PRICE.multiply(BigDecimal.valueOf(shots - 6)));
        }
    }

    /**
     * Two instances in one consumer group with a cap of 4 jobs in flight and 300 requests a minute for the model:
     * the provider never has more than 4 videos generating, no 10-second window of the limiter's schedule (the
     * database time of each grant, logged by both instances) carries more than the rate and burst allow, and every
     * job is created and landed by exactly one instance. How much later requests arrived at the provider is reported.
     */
    @Test
    @Order(6)
    void twoInstancesUnderAGlobalCap() throws Exception {
        int cap = 4;
        int perMinute = 300;
        Map<String, String> limits = Map.of(
                "REELFLOW_MODELS_SORA_2_MAX_CONCURRENT_JOBS", Integer.toString(cap),
                "REELFLOW_MODELS_SORA_2_REQUESTS_PER_MINUTE", Integer.toString(perMinute));
        String grants = "-Dquarkus.log.category.\"" + io.reelflow.provider.RequestRates.class.getName() + "\".level=DEBUG";
        try (Scenario run = scenario("two-instances", 60, new BigDecimal("30.00"))) {
            run.standIn.latency(Duration.ofSeconds(1), Duration.ofSeconds(2));
            ServiceProcess first = run.start("first", limits, grants);
            ServiceProcess second = run.start("second", limits, grants);
            run.submit(Scenario::scene);
            run.awaitSettled(Duration.ofMinutes(5));
            run.awaitEvents(Duration.ofMinutes(1));
            first.stop();
            second.stop();

            assertThat(Intervals.mostAtOnce(run.standIn.generations())).as("videos generating at once").isEqualTo(cap);
            // What the limiter granted, on the database's clock both instances share: requests 60 s / rate apart with
            // a burst, so no window of W seconds holds more than W * rate / 60 + burst.
            int burst = Math.max(3, perMinute / 12);
            int bound = 10 * perMinute / 60 + burst;
            List<Scenario.Grant> granted = run.grants("model:sora-2");
            assertThat(granted.stream().mapToInt(Scenario.Grant::requests).sum())
                    .as("requests granted (at least one per request made)").isGreaterThanOrEqualTo(run.standIn.requestTimes().size());
            int mostScheduled = 0;
            for (Scenario.Grant from : granted) {
                int inWindow = granted.stream().filter(g -> !g.at().isBefore(from.at())
                        && g.at().isBefore(from.at().plusSeconds(10))).mapToInt(Scenario.Grant::requests).sum();
                mostScheduled = Math.max(mostScheduled, inWindow);
            }
            assertThat(mostScheduled).as("requests the limiter granted in a 10 s window").isLessThanOrEqualTo(bound);
            List<Instant> arrivals = run.standIn.requestTimes();
            long mostArrived = arrivals.stream().mapToLong(from -> arrivals.stream().filter(t -> !t.isBefore(from)
                    && t.isBefore(from.plusSeconds(10))).count()).max().orElse(0);
            run.verify("2 instances, cap " + cap + ", " + perMinute + " requests/min (at most " + bound + " in 10 s):"
                    + " most in a 10 s window " + mostScheduled + " granted, " + mostArrived + " arrived at the provider");

            Map<String, Long> landedBy = run.logLines(" landed: ");
            Map<String, Long> createdBy = run.logLines(" submitted to openai as ");
            assertThat(landedBy).as("instances that landed jobs").containsOnlyKeys("first", "second");
            assertThat(createdBy.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(60);
            assertThat(landedBy.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(60);
        }
    }

    /**
     * Two replicas, one team under a team budget of 18 drafts: its first campaign's budget covers 10 of its 24 shots,
     * its second campaign (24 shots, no budget of its own) runs into the team budget after 8. Replicas are killed
     * with SIGKILL while jobs are in flight (and while a create call's answer is held, before and after the raise). Neither budget is passed by the ledger or by the provider's bill; the shots beyond each wait in
     * HELD(budget) naming it; raising the campaign's budget alone moves nothing (the team budget still binds), raising
     * the team's lets exactly the held shots go on.
     */
    @Test
    @Order(7)
    void bindingBudgetsAcrossReplicasUnderKills() throws Exception {
        BigDecimal springBudget = DRAFT_PRICE.multiply(BigDecimal.valueOf(10));
        BigDecimal teamBudget = DRAFT_PRICE.multiply(BigDecimal.valueOf(18));
        try (Scenario run = scenario("budgets", 0, null)) {
            run.teamBudget(teamBudget);
            run.standIn.latency(Duration.ofSeconds(2), Duration.ofSeconds(4));
            Replicas replicas = new Replicas(run, Map.of("REELFLOW_BUDGETS_RECHECK", "PT2S"));
            replicas.start();

            run.send(run.team, "spring", "spring", 24, springBudget, i -> Scenario.scene(i) + " Spring.");
            run.standIn.holdNextCreateAnswer();
            String adopted = replicas.killBothWhileACreateIsHeld();
            replicas.killUntilSettled();
            assertCampaign(run, "spring", 10, 14, "budget: the campaign 'spring' budget is $4.00");
            assertWithin(run, "spring", springBudget);

            run.send(run.team, "summer", "summer", 24, null, i -> Scenario.scene(i) + " Summer.");
            replicas.killUntilSettled();
            assertCampaign(run, "summer", 8, 16, "budget: the team '" + run.team + "' budget is $7.20");
            assertWithin(run, null, teamBudget);
            assertWithin(run, "spring", springBudget);

            // The campaign's budget raised (with one more shot): the team's budget still holds every spring shot.
            List<Object> heldBefore = run.jobs().stream().filter(j -> "HELD".equals(j.get("state"))).map(j -> j.get("id")).toList();
            int createsBefore = run.standIn.accepted("").size();
            run.send(run.team, "spring", "spring-raise", 1, DRAFT_PRICE.multiply(BigDecimal.valueOf(25)),
                    i -> Scenario.scene(i) + " Spring, raised.");
            run.awaitSettled(Duration.ofMinutes(2));
            // Every held job has looked at its budgets again (every 2 s) and is now held by the team's.
            Awaitility.await("every held job held by the team budget").atMost(Duration.ofMinutes(1)).until(() ->
                    run.jobs().stream().filter(j -> "HELD".equals(j.get("state")))
                            .filter(j -> ((String) j.get("held_reason")).startsWith("budget: the team '"))
                            .count() == heldBefore.size() + 1);
            assertThat(run.standIn.accepted("")).as("create calls after the campaign budget alone was raised").hasSize(createsBefore);

            // The team's budget raised to cover everything (both replicas restarted with it): the held shots go on.
            replicas.stop();
            run.teamBudget(DRAFT_PRICE.multiply(BigDecimal.valueOf(49)));
            run.standIn.holdNextCreateAnswer();
            String adoptedAfterRaise = replicas.startOneAndKillItWhileACreateIsHeld();
            replicas.start();
            replicas.killUntilSettled();
            run.awaitEvents(Duration.ofMinutes(2));
            replicas.stop();
            Scenario.Row row = run.verify(replicas.kills() + " SIGKILLs over 2 replicas, each while jobs were at the provider"
                    + " or landing (3 of them while a create call's answer was held, before and after the raise);"
                    + " campaign budget binding at 10 of 24, team budget at 18 of 48; both raised");
            // Both replicas killed at the first held answer, one at the second, and at least one kill in the second
            // campaign's run.
            assertThat(replicas.kills()).as("kills").isGreaterThanOrEqualTo(4);
            assertThat(row.landed()).isEqualTo(49);
            assertThat(run.standIn.accepted("")).as("create calls in all").hasSize(49);
            assertThat(run.jobs()).filteredOn(j -> heldBefore.contains(j.get("id")))
                    .as("the shots held before the raise").hasSize(heldBefore.size())
                    .allSatisfy(j -> assertThat(j.get("state")).isEqualTo("LANDED"));
            for (String video : List.of(adopted, adoptedAfterRaise)) {
                assertThat(it.db.count("select count(*) from job where provider_job_id = ? and state = 'LANDED'", video))
                        .as("the video %s whose create answer a kill cut off, landed by its job", video).isEqualTo(1);
            }
        }
    }

    private static void assertCampaign(Scenario run, String campaign, int landed, int held, String reason) {
        List<Map<String, Object>> jobs = run.jobs().stream().filter(j -> campaign.equals(j.get("campaign"))).toList();
        assertThat(jobs).filteredOn(j -> "LANDED".equals(j.get("state"))).as("%s: landed", campaign).hasSize(landed);
        assertThat(jobs).filteredOn(j -> "HELD".equals(j.get("state"))).as("%s: held", campaign).hasSize(held)
                .allSatisfy(j -> assertThat((String) j.get("held_reason")).startsWith(reason));
    }

    /** Neither the ledger's committed spend nor the provider's bill passes {@code limit} (a campaign's, or the team's). */
    private static void assertWithin(Scenario run, String campaign, BigDecimal limit) {
        assertThat(run.ledgerCommitted(campaign)).as("committed spend of %s", campaign == null ? "the team" : campaign)
                .isLessThanOrEqualTo(limit);
        assertThat(run.billed(campaign)).as("the provider's bill for %s", campaign == null ? "the team" : campaign)
                .isLessThanOrEqualTo(limit);
    }

    /**
     * A poison event and an intake cut short. One team sends a batch whose answer (the refusal, echoing 64 KiB of
     * it) the broker will not take (the topic's limit is 32 KiB here): the event is set aside while another team's
     * drafts and events flow past it. Then the service is killed with SIGKILL while it takes in a 40-shot batch:
     * the intake transaction has written its rows and waits (the test holds the campaign's budget lock); after the
     * restart the batch is taken in once, from its Kafka offset.
     */
    @Test
    @Order(8)
    void poisonEventAndIntakeCutShort() throws Exception {
        try (Scenario run = scenario("intake", 0, null)) {
            String flow = run.otherTeam("flow");
            String poisoner = run.otherTeam("poison");
            Kafka.maxMessageBytes(it.stack.kafka(), "campaign-batches-rejected", "32768");
            try {
                ServiceProcess first = run.start("first", Map.of());
                run.send(flow, Scenario.CAMPAIGN, "flow", 30, null, i -> Scenario.scene(i) + " Flowing.");
                run.awaitLanded(3, Duration.ofMinutes(2));
                Kafka.send(it.stack.kafka(), "campaign-batches", poisoner + "/poison", poisonBatch(poisoner));
                Map<String, Object> poison = Awaitility.await("the refusal set aside").atMost(Duration.ofMinutes(1))
                        .until(() -> it.db.query("select id, last_error from outbox_event where topic ="
                                + " 'campaign-batches-rejected' and set_aside_at is not null"), rows -> rows.size() == 1)
                        .get(0);
                assertThat((String) poison.get("last_error")).startsWith("the broker refused it: RecordTooLargeException");
                assertThat(Metrics.of(first).sum("reelflow_outbox_set_aside_total")).isEqualTo(1.0);
                // Events after the poison one went out past it.
                Awaitility.await("events after the poison published").atMost(Duration.ofMinutes(1)).until(() ->
                        it.db.count("select count(*) from outbox_event where id > ? and published_at is not null",
                                poison.get("id")) >= 3);

                String lock = "budget:" + run.team + "/" + Scenario.CAMPAIGN;
                try (Connection holder = DriverManager.getConnection(it.stack.jdbcUrl(), it.stack.jdbcUser(),
                        it.stack.jdbcPassword())) {
                    advisory(holder, "pg_advisory_lock", lock);
                    run.send(run.team, Scenario.CAMPAIGN, "half", 40, new BigDecimal("20.00"), Scenario::scene);
                    // The intake transaction has written the batch (it has a transaction id) and waits for the lock.
                    Awaitility.await("the intake waiting with its rows written").atMost(Duration.ofMinutes(1)).until(() ->
                            it.db.count("select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                                    + " where l.locktype = 'advisory' and not l.granted and a.backend_xid is not null"
                                    + " and l.objid::bigint = (hashtext(?)::bigint & 4294967295)", lock) == 1);
                    assertThat(it.db.count("select count(*) from batch where batch_key = 'intake-half'")).isZero();
                    first.kill();
                    advisory(holder, "pg_advisory_unlock", lock);
                }
                ServiceProcess second = run.start("second", Map.of());
                run.awaitSettled(Duration.ofMinutes(4));
                run.awaitEvents(Duration.ofMinutes(1));
                second.stop();
                Scenario.Row row = run.verify("an answer the broker refused set aside while another team's 30 drafts"
                        + " flowed; SIGKILL with a 40-shot batch half taken in (its rows written, not committed)");
                assertThat(row.landed()).isEqualTo(70);
                assertThat(it.db.count("select count(*) from batch where batch_key = 'intake-half'")).isEqualTo(1);
                // The refused batch, taken in again if its offset was not committed before the kill, is answered once.
                assertThat(it.db.count("select count(*) from outbox_event where set_aside_at is not null")).isEqualTo(1);
                assertThat(it.db.count("select count(*) from batch_rejection where team = ?", poisoner)).isEqualTo(1);
            } finally {
                Kafka.maxMessageBytes(it.stack.kafka(), "campaign-batches-rejected", null);
            }
        }
    }

    /** A batch refused at intake whose payload is larger than the refusal topic takes: ten 8,000-character prompts. */
    private static String poisonBatch(String team) {
        StringBuilder batch = new StringBuilder("{\"batchId\":\"poison\",\"team\":\"" + team
                + "\",\"campaign\":\"faults\",\"shots\":[");
        for (int i = 0; i < 10; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"shotId\":\"p").append(i).append("\",\"prompt\":\"")
                    .append(("A quiet harbour at dawn, take " + i + ". ").repeat(250), 0, 8000).append("\"}");
        }
        return batch.append("]}").toString();
    }

    private static void advisory(Connection c, String function, String key) throws Exception {
        try (var s = c.prepareStatement("select " + function + "(hashtext(?))")) {
            s.setString(1, key);
            s.executeQuery().close();
        }
    }

    /**
     * Kills {@code service} while the provider holds the answer of a create call it received (the job committed as
     * {@code SUBMITTING}); returns the video that call made.
     */
    private String killWhileACreateIsHeld(Scenario run, ServiceProcess... services) throws Exception {
        String video = run.standIn.awaitHeldCreate(Duration.ofMinutes(1));
        assertThat(video).as("a create call held at the provider").isNotNull();
        assertThat(it.db.count("select count(*) from job where state = 'SUBMITTING'"))
                .as("jobs in SUBMITTING while the create answer is held").isPositive();
        for (ServiceProcess service : services) {
            service.kill();
        }
        run.standIn.answerHeldCreate();
        return video;
    }

    /** Two replicas of the service, killed and restarted one at a time at random points. */
    private final class Replicas {

        private final Scenario run;
        private final Map<String, String> env;
        private final ServiceProcess[] lives = new ServiceProcess[2];
        private int started;
        private int kills;

        Replicas(Scenario run, Map<String, String> env) {
            this.run = run;
            this.env = env;
        }

        void start() throws Exception {
            for (int i = 0; i < lives.length; i++) {
                lives[i] = run.start(name(i), env);
            }
        }

        void stop() throws Exception {
            for (ServiceProcess life : lives) {
                life.stop();
            }
        }

        /**
         * Starts the first replica alone and kills it once the provider holds the answer of a create call it made
         * ({@code holdNextCreateAnswer} was called before).
         */
        String startOneAndKillItWhileACreateIsHeld() throws Exception {
            lives[0] = run.start(name(0), env);
            String video = killWhileACreateIsHeld(run, lives[0]);
            kills++;
            return video;
        }

        int kills() {
            return kills;
        }

        /**
         * Kills both replicas once the provider holds the answer of a create call ({@code holdNextCreateAnswer} was
         * called before the work began); restarts them.
         */
        String killBothWhileACreateIsHeld() throws Exception {
            String video = killWhileACreateIsHeld(run, lives);
            kills += lives.length;
            start();
            return video;
        }

        /**
         * Kills one replica at a time while the scenario's jobs are at the provider or landing (a random time after
         * such work is seen, at most 1.5 s), restarts it, lets the replicas land 1 to 4 more drafts (or work 20 s: a killed
         * replica's leases run 15 s), and again, until every job has ended.
         */
        void killUntilSettled() throws Exception {
            while (!run.settled()) {
                if (!awaitInFlight(Duration.ofSeconds(20))) {
                    continue;
                }
                // Less than the stand-in's shortest generation (2 s): the work just seen is still there.
                Thread.sleep(random.nextInt(1_500));
                if (run.inFlight() == 0) {
                    continue;
                }
                int victim = random.nextInt(lives.length);
                lives[victim].kill();
                kills++;
                lives[victim] = run.start(name(victim), env);
                assertThat(kills).as("kills before the run settled").isLessThan(40);
                run.awaitProgress(1 + random.nextInt(4), Duration.ofSeconds(20));
            }
            run.awaitSettled(Duration.ofMinutes(3));
        }

        /** Waits until some job is at the provider or landing; false when none is within {@code atMost}. */
        private boolean awaitInFlight(Duration atMost) {
            try {
                Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> run.inFlight() > 0 || run.settled());
                return run.inFlight() > 0;
            } catch (org.awaitility.core.ConditionTimeoutException nothingInFlight) {
                return false;
            }
        }

        private String name(int replica) {
            return (char) ('a' + replica) + "-" + (++started);
        }
    }

    private Scenario scenario(String name, int shots, BigDecimal budget) throws Exception {
        Scenario scenario = new Scenario(name, shots, budget, it, events, apiKey, rows);
        Files.createDirectories(Path.of("target", "reliability"));
        return scenario;
    }
}
