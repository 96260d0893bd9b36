package io.reelflow.spend;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Batches;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;

/**
 * Campaign budgets through the packaged service: each create call reserves its catalog price first; a call
 * that would pass the budget waits in {@code HELD} with the reason, and goes on once a later batch of the
 * campaign raises the budget. Spend stays within the budget throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BudgetIT {

    private static final String TEAM = "budget";
    private static final Duration WAIT = Duration.ofMinutes(2);

    private ItStack it;
    private ServiceProcess service;
    private EventStream events;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(BudgetIT.class);
        service = it.service("service", ItStack.env(
                "REELFLOW_MODELS_LOCAL_PREVIEW_PRICE_PER_SECOND_STANDARD", "0.10",
                "REELFLOW_MODELS_LOCAL_PREVIEW_PRICE_PER_SECOND_HIGH", "0.20",
                "REELFLOW_BUDGETS_RECHECK", "PT1S",
                "REELFLOW_WORKER_CONCURRENCY", "1")).start();
        events = EventStream.open(it.stack.kafka(), "video-events");
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(events, service, it);
    }

    @Test
    void aCallThatWouldPassTheCampaignBudgetWaitsUntilTheBudgetIsRaised() throws Exception {
        ObjectNode first = Batches.valid(TEAM, "budget-1", 3);
        first.put("campaign", "tight");
        first.putObject("budget").put("limitUsd", 1.00);
        submit(first);

        JsonNode accepted = await("budget-1", "BatchAccepted", null);
        assertThat(accepted.path("estimate").path("draftsUsd").decimalValue()).isEqualByComparingTo("1.20");
        assertThat(accepted.path("estimate").path("finalsIfAllApprovedUsd").decimalValue()).isEqualByComparingTo("7.20");

        JsonNode held = await("budget-1", "ShotHeld", null);
        assertThat(held.path("reason").asText()).isEqualTo("budget: the campaign 'tight' budget is $1.00; $0.80 is"
                + " committed and this call costs $0.40");
        Awaitility.await().atMost(WAIT).until(() -> charged("tight").compareTo(new BigDecimal("0.80")) == 0);
        // Re-checked twice more (every second) and still held: the budget binds, no create call goes through.
        double heldUntil = heldNextAttempt();
        Awaitility.await().atMost(WAIT).until(() -> heldNextAttempt() > heldUntil + 1.5);
        assertThat(it.db.query("select j.state from job j join batch b on b.id = j.batch_id"
                + " where j.state = 'HELD' and b.campaign = 'tight'")).hasSize(1);
        assertThat(charged("tight")).isEqualByComparingTo("0.80");

        ObjectNode second = Batches.valid(TEAM, "budget-2", 1);
        second.put("campaign", "tight");
        second.putObject("budget").put("limitUsd", 3.00);
        submit(second);

        await("budget-1", "DraftReady", held.path("shotId").asText());
        await("budget-2", "DraftReady", "s01");
        assertThat(charged("tight")).isEqualByComparingTo("1.60");
        List<Map<String, Object>> ledger = it.db.query("select state, reserved_usd from spend_ledger"
                + " where campaign = 'tight'");
        assertThat(ledger).hasSize(4).allSatisfy(row -> assertThat(row.get("state")).isEqualTo("charged"));
        assertThat(it.db.query("select model, charged_usd, calls_charged from spend_by_model where campaign = 'tight'"))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("model")).isEqualTo("local-preview");
                    assertThat((BigDecimal) row.get("charged_usd")).isEqualByComparingTo("1.60");
                    assertThat(((Number) row.get("calls_charged")).intValue()).isEqualTo(4);
                });
    }

    /**
     * The first budget of a campaign and the campaign's reservations are ordered: a reservation waits while a budget
     * is being set (here: the test holds the budget lock a setter takes) and then decides on it; a budget waits
     * for reservations under way (here: the test holds the lock a reservation takes).
     */
    @Test
    void theFirstBudgetOfACampaignNeverRacesWithItsReservations() throws Exception {
        try (java.sql.Connection setter = java.sql.DriverManager.getConnection(it.stack.jdbcUrl(), it.stack.jdbcUser(),
                it.stack.jdbcPassword())) {
            lock(setter, "pg_advisory_lock", "race");
            ObjectNode unbudgeted = Batches.valid(TEAM, "race-1", 1);
            unbudgeted.put("campaign", "race");
            submit(unbudgeted);
            Awaitility.await().atMost(WAIT).until(() -> waitingOnAdvisoryLocks() > 0);
            assertThat(it.db.count("select count(*) from spend_ledger where campaign = 'race'")).isZero();
            try (var insert = setter.prepareStatement("insert into campaign_budget (team, campaign, limit_usd)"
                    + " values (?, 'race', 0.10)")) {
                insert.setString(1, TEAM);
                insert.executeUpdate();
            }
            lock(setter, "pg_advisory_unlock", "race");
            JsonNode held = await("race-1", "ShotHeld", "s01");
            assertThat(held.path("reason").asText()).startsWith("budget: the campaign 'race' budget is $0.10");
            assertThat(it.db.count("select count(*) from spend_ledger where campaign = 'race'")).isZero();

            lock(setter, "pg_advisory_lock_shared", "race-b");
            ObjectNode budgeted = Batches.valid(TEAM, "race-2", 1);
            budgeted.put("campaign", "race-b");
            budgeted.putObject("budget").put("limitUsd", 5.00);
            submit(budgeted);
            Awaitility.await().atMost(WAIT).until(() -> waitingOnAdvisoryLocks() > 0);
            assertThat(it.db.count("select count(*) from campaign_budget where campaign = 'race-b'")).isZero();
            lock(setter, "pg_advisory_unlock_shared", "race-b");
            await("race-2", "DraftReady", "s01");
            assertThat(it.db.count("select count(*) from campaign_budget where campaign = 'race-b'")).isEqualTo(1);
        }
    }

    /** Takes or gives back, on the test's own session, the lock a campaign's budget is set and read under. */
    private static void lock(java.sql.Connection c, String function, String campaign) throws Exception {
        try (var s = c.prepareStatement("select " + function + "(hashtext(?))")) {
            s.setString(1, "budget:" + TEAM + "/" + campaign);
            s.executeQuery().close();
        }
    }

    private long waitingOnAdvisoryLocks() {
        return it.db.count("select count(*) from pg_locks where locktype = 'advisory' and not granted");
    }

    /** When the one held job looks at its budget again (fails when no job is held). */
    private double heldNextAttempt() {
        return ((Number) it.db.query("select extract(epoch from j.next_attempt_at) as t from job j join batch b"
                + " on b.id = j.batch_id where j.state = 'HELD' and b.campaign = 'tight'")
                .get(0).get("t")).doubleValue();
    }

    private BigDecimal charged(String campaign) {
        Object value = it.db.query("select coalesce(sum(charged_usd), 0) as total from spend_ledger"
                + " where campaign = ? and state = 'charged'", campaign).get(0).get("total");
        return (BigDecimal) value;
    }

    private void submit(ObjectNode batch) throws Exception {
        Kafka.send(it.stack.kafka(), "campaign-batches", TEAM + "/" + batch.path("batchId").asText(),
                Batches.json(batch));
    }

    private JsonNode await(String batchId, String type, String shotId) throws InterruptedException {
        JsonNode event = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> type.equals(e.path("type").asText()) && (shotId == null || shotId.equals(e.path("shotId").asText())),
                WAIT);
        assertThat(event).as("%s for %s %s", type, batchId, shotId).isNotNull();
        return event;
    }
}
