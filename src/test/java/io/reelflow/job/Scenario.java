package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.providers.OpenAiStandIn;
import io.reelflow.testkit.providers.StandInServer;
import io.reelflow.storage.Hashing;

/**
 * One scenario of the fault-injection suite: its team, its batches of drafts on {@code sora-2}, its own counting
 * provider stand-in and its service processes; and the checks every scenario ends with.
 */
final class Scenario implements AutoCloseable {

    /** One line of the published table. */
    record Row(String scenario, int jobs, String faults, int landed, int failed, int held, int lost,
            int duplicateCreates, int duplicateEvents, int redelivered, int shaChecked, String budgets,
            BigDecimal committed, BigDecimal billed, BigDecimal overspend, Duration wall) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CAMPAIGN = "faults";
    private static final Set<String> SETTLED = Set.of("LANDED", "FAILED", "HELD");
    private static final Set<String> IN_FLIGHT = Set.of("SUBMITTING", "UNKNOWN", "RUNNING", "DOWNLOADING");
    private static final Set<String> FACTS = Set.of("BatchAccepted", "DraftReady", "ShotFailed", "ShotHeld");
    private static final String[] SCENES = {
        "Slow dolly in on a ceramic cup on a marble counter at golden hour, steam rising; soft cafe chatter.",
        "Handheld tracking shot through a neon night market, light rain; sizzling woks and distant voices.",
        "Drone shot tilting down onto a misty pine ridge at sunrise; wind in the trees and a hawk calling.",
        "Slow pan across a quiet harbour at blue hour, boats rocking; gulls, ropes creaking, soft waves.",
        "Orbit around a bicycle leaning on a brick wall under a warm street lamp at night; crickets chirping.",
    };

    final String name;
    final String team;
    final OpenAiStandIn standIn;
    /** The scenario's teams: its own first, then any other team whose work runs beside it. */
    private final List<String> teams = new ArrayList<>();
    /** The latest budget sent for each of the scenario team's campaigns. */
    private final Map<String, BigDecimal> campaignBudgets = new LinkedHashMap<>();
    private BigDecimal teamBudget;
    private final ItStack it;
    private final EventStream events;
    private final String apiKey;
    private final List<Row> rows;
    private final List<ServiceProcess> services = new ArrayList<>();
    private final List<String> instances = new ArrayList<>();
    private final Instant started = Instant.now();
    private final int expectedShots;
    private int shots;

    Scenario(String name, int shots, BigDecimal budget, ItStack it, EventStream events, String apiKey, List<Row> rows)
            throws Exception {
        this.name = name;
        this.team = "fi-" + name;
        this.teams.add(team);
        if (budget != null) {
            this.campaignBudgets.put(CAMPAIGN, budget);
        }
        this.it = it;
        this.events = events;
        this.apiKey = apiKey;
        this.rows = rows;
        this.standIn = new OpenAiStandIn(apiKey, it.dir.resolve("stand-in-" + name), null);
        standIn.shareRenders();
        this.expectedShots = shots;
    }

    static String scene(int i) {
        return SCENES[i % SCENES.length] + " Take " + (i + 1) + ".";
    }

    /**
     * Another team whose work runs beside the scenario's ({@code fi-<scenario>-<suffix>}): its jobs are checked
     * with the scenario's.
     */
    String otherTeam(String suffix) {
        String other = team + "-" + suffix;
        teams.add(other);
        return other;
    }

    /**
     * The team budget the scenario's team runs under ({@code reelflow.budgets.teams}); instances started after
     * this call get it.
     */
    void teamBudget(BigDecimal limit) {
        teamBudget = limit;
    }

    /** One grant of the request-rate limiter: when (the database's clock) and for how many requests. */
    record Grant(Instant at, int requests) {
    }

    /**
     * Starts a service instance with the scenario's provider settings, {@code extra} environment and JVM options.
     */
    ServiceProcess start(String instance, Map<String, String> extra, String... jvmOptions) throws Exception {
        Map<String, String> env = new HashMap<>(ItStack.env(
                "REELFLOW_PROVIDERS_OPENAI_BASE_URL", standIn.baseUrl() + "/v1",
                "REELFLOW_PROVIDERS_OPENAI_API_KEY", apiKey,
                "REELFLOW_PROVIDERS_OPENAI_REQUEST_TIMEOUT", "PT5S",
                // The stand-in lists a video the moment it made it: a job it does not list 15 s after its create
                // call was never made (the default minute is for real providers' listings).
                "REELFLOW_PROVIDERS_OPENAI_LISTING_DELAY", "PT15S",
                "REELFLOW_WORKER_CONCURRENCY", "6",
                "REELFLOW_WORKER_LEASE", "PT15S",
                "REELFLOW_BREAKER_PAUSE", "PT3S"));
        env.putAll(extra);
        ServiceProcess service = it.service(name + "-" + instance, env);
        service.jvmOptions(jvmOptions);
        if (teamBudget != null) {
            service.jvmOptions("-Dreelflow.budgets.teams.\"" + team + "\"=" + teamBudget.toPlainString());
        }
        services.add(service);
        instances.add(instance);
        return service.start();
    }

    /** Sends the scenario's batch: {@link #expectedShots} drafts with the given prompts. */
    void submit(IntFunction<String> prompt) throws Exception {
        send(team, CAMPAIGN, "main", expectedShots, campaignBudgets.get(CAMPAIGN), prompt);
    }

    /** Sends another batch of the scenario's campaign. */
    void submitMore(String label, int count, IntFunction<String> prompt) throws Exception {
        send(team, CAMPAIGN, label, count, campaignBudgets.get(CAMPAIGN), prompt);
    }

    /**
     * Sends a batch of {@code count} drafts to {@code campaign} of one of the scenario's teams, with a campaign
     * budget when {@code budget} is not null (the latest batch naming one sets it).
     */
    void send(String batchTeam, String campaign, String label, int count, BigDecimal budget, IntFunction<String> prompt)
            throws Exception {
        String batchId = name + "-" + label;
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        batch.put("team", batchTeam);
        batch.put("campaign", campaign);
        ObjectNode defaults = batch.putObject("defaults");
        defaults.put("aspectRatio", "landscape");
        defaults.putObject("route").put("draftModel", "sora-2");
        if (budget != null) {
            batch.putObject("budget").put("limitUsd", budget);
            if (batchTeam.equals(team)) {
                campaignBudgets.put(campaign, budget);
            }
        }
        ArrayNode list = batch.putArray("shots");
        for (int i = 0; i < count; i++) {
            ObjectNode shot = list.addObject();
            shot.put("shotId", String.format("s%03d", i + 1));
            shot.put("prompt", prompt.apply(i) + " Batch " + label + ".");
            if (i % 2 == 1) {
                shot.put("aspectRatio", "portrait");
            }
        }
        shots += count;
        Kafka.send(it.stack.kafka(), "campaign-batches", batchTeam + "/" + batchId, batch.toString());
    }

    /** The draft jobs of the scenario's teams. */
    List<Map<String, Object>> jobs() {
        return it.db.query("""
                select j.id, s.shot_key, b.batch_key, b.team, b.campaign, j.state, j.object_key, j.sha256,
                       j.failure_kind, j.failure_reason, j.held_reason, j.provider_job_id, j.prompt
                from job j join shot s on s.id = j.shot_id join batch b on b.id = s.batch_id
                where b.team = any(?) and j.stage = 'DRAFT'""", (Object) teams.toArray(String[]::new));
    }

    /** Whether every shot sent has a job and every job has ended (held by the budget counts as ended). */
    boolean settled() {
        try {
            List<Map<String, Object>> jobs = jobs();
            return jobs.size() == shots && jobs.stream().allMatch(j -> SETTLED.contains((String) j.get("state")));
        } catch (RuntimeException databaseAway) {
            return false;
        }
    }

    void awaitSettled(Duration timeout) throws Exception {
        await("every job ended", timeout, this::settled);
    }

    void awaitLanded(int landed, Duration timeout) throws Exception {
        await(landed + " drafts landed", timeout, () -> landed() >= landed);
    }

    /** Waits until every ended job's event is on {@code video-events}. */
    void awaitEvents(Duration timeout) throws Exception {
        await("every ended job's event published", timeout, () -> missingEvents(jobs(), facts()).isEmpty());
    }

    /**
     * Lets the service work until {@code more} further drafts have landed, or for {@code atMost}, whichever comes
     * first (the budget may hold the rest back); returns how many landed meanwhile.
     */
    long awaitProgress(int more, Duration atMost) {
        long before = landed();
        try {
            Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> landed() >= before + more);
        } catch (ConditionTimeoutException noMoreWithinTheTime) {
            // Progress, not a count, is what a life is given.
        }
        return landed() - before;
    }

    /** How many of the scenario's jobs are at the provider or landing (a kill now cuts live work). */
    long inFlight() {
        return jobs().stream().filter(j -> IN_FLIGHT.contains((String) j.get("state"))).count();
    }

    /** How many of the scenario's drafts have landed. */
    long landed() {
        return jobs().stream().filter(j -> "LANDED".equals(j.get("state"))).count();
    }

    private void await(String what, Duration timeout, Callable<Boolean> condition) {
        try {
            // The database may be restarting: a condition that cannot be read yet is not an answer.
            Awaitility.await(name + ": " + what).atMost(timeout).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + ": not done after " + timeout + ": " + what + "; job states " + states(), e);
        }
    }

    Map<String, Long> states() {
        try {
            return jobs().stream().collect(Collectors.groupingBy(j -> (String) j.get("state"), Collectors.counting()));
        } catch (RuntimeException e) {
            return Map.of("unreadable", 0L);
        }
    }

    /** Failed jobs: prompt to {@code kind: reason}. */
    Map<String, String> failureReasons() {
        Map<String, String> reasons = new HashMap<>();
        for (Map<String, Object> job : jobs()) {
            if ("FAILED".equals(job.get("state"))) {
                String kind = String.valueOf(job.get("failure_kind")).toLowerCase().replace('_', '-');
                reasons.put((String) job.get("prompt"), kind + ": " + job.get("failure_reason"));
            }
        }
        return reasons;
    }

    BigDecimal ledgerCharged() {
        return (BigDecimal) it.db.query("select coalesce(sum(charged_usd), 0) as c from spend_ledger"
                + " where team = ? and state = 'charged'", team).get(0).get("c");
    }

    /** The ledger's committed spend (reserved and charged) of the scenario's team, or of one of its campaigns. */
    BigDecimal ledgerCommitted(String campaign) {
        return (BigDecimal) it.db.query("select coalesce(sum(case state when 'reserved' then reserved_usd"
                + " when 'charged' then charged_usd else 0 end), 0) as c from spend_ledger where team = ?"
                + " and (cast(? as text) is null or campaign = ?)", team, campaign, campaign).get(0).get("c");
    }

    /**
     * What the provider bills the scenario's team, or one of its campaigns: the videos it finished for their jobs
     * at the draft price (a video no job owns is billed to the team).
     */
    BigDecimal billed(String campaign) {
        // Each video the provider made, to the campaign of its job (null for another team's or no job's).
        Map<String, String> campaignOf = new HashMap<>();
        Set<String> otherTeams = new HashSet<>();
        for (Map<String, Object> job : jobs()) {
            String video = (String) job.get("provider_job_id");
            if (video == null) {
                continue;
            }
            if (team.equals(job.get("team"))) {
                campaignOf.put(video, (String) job.get("campaign"));
            } else {
                otherTeams.add(video);
            }
        }
        long made = standIn.madeVideos().stream().filter(id -> !otherTeams.contains(id))
                .filter(id -> campaign == null || campaign.equals(campaignOf.get(id))).count();
        return FaultInjectionIT.DRAFT_PRICE.multiply(BigDecimal.valueOf(made));
    }

    /**
     * The request-rate limiter's grants under {@code limitKey}, from every instance's log (logged at DEBUG by
     * {@code RequestRates}), in the order of their times.
     */
    List<Grant> grants(String limitKey) throws Exception {
        java.util.regex.Pattern grant = java.util.regex.Pattern.compile("request rate: took (\\d+) at (\\S+) under (\\S+)");
        List<Grant> grants = new ArrayList<>();
        for (String instance : new java.util.LinkedHashSet<>(instances)) {
            for (String line : Files.readAllLines(it.dir.resolve("logs").resolve(name + "-" + instance + ".log"))) {
                java.util.regex.Matcher m = grant.matcher(line);
                if (m.find() && List.of(m.group(3).split(",")).contains(limitKey)) {
                    grants.add(new Grant(Instant.parse(m.group(2)), Integer.parseInt(m.group(1))));
                }
            }
        }
        grants.sort(java.util.Comparator.comparing(Grant::at));
        return grants;
    }

    /** Per instance of this scenario, the log lines that contain {@code marker} and name this team. */
    Map<String, Long> logLines(String marker) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String instance : new java.util.LinkedHashSet<>(instances)) {
            Path log = it.dir.resolve("logs").resolve(name + "-" + instance + ".log");
            long n = Files.readAllLines(log).stream().filter(l -> l.contains(marker) && l.contains(team + "/")).count();
            if (n > 0) {
                counts.put(instance, n);
            }
        }
        return counts;
    }

    /**
     * Checks the suite's guarantees, adds the scenario's row to the table and returns it.
     *
     * @param faults the faults injected, as published
     */
    Row verify(String faults) throws Exception {
        List<Map<String, Object>> jobs = jobs();
        Map<String, Long> states = jobs.stream()
                .collect(Collectors.groupingBy(j -> (String) j.get("state"), Collectors.counting()));
        int ended = (int) jobs.stream().filter(Scenario::endedWithReason).count();
        int lost = shots - ended;

        Map<String, Long> createsPerPrompt = standIn.accepted("").stream()
                .collect(Collectors.groupingBy(StandInServer.CreateCall::prompt, Collectors.counting()));
        int duplicateCreates = (int) createsPerPrompt.values().stream().mapToLong(n -> n - 1).sum();

        int shaChecked = 0;
        List<String> shaMismatches = new ArrayList<>();
        for (Map<String, Object> job : jobs) {
            if (!"LANDED".equals(job.get("state"))) {
                continue;
            }
            byte[] file = it.storage.get((String) job.get("object_key"));
            String stored = HexFormat.of().formatHex(Hashing.sha256().digest(file));
            String served = standIn.servedSha256((String) job.get("provider_job_id"));
            // What was stored is what was served, with its content credentials appended.
            if (!io.reelflow.testkit.Credentials.sha256WithoutCredentials(file).equals(served)
                    || !io.reelflow.testkit.Credentials.carriesCredentials(file) || !stored.equals(job.get("sha256"))) {
                shaMismatches.add(job.get("id") + ": stored " + stored + ", served " + served + ", recorded "
                        + job.get("sha256"));
            }
            shaChecked++;
        }

        Map<String, Set<String>> facts = facts();
        int duplicateEvents = facts.values().stream().mapToInt(ids -> ids.size() - 1).sum();
        List<JsonNode> teamEvents = teamEvents();
        int redelivered = teamEvents.size() - (int) teamEvents.stream().map(e -> e.path("eventId").asText())
                .distinct().count();
        List<String> missing = missingEvents(jobs, facts);

        // Spend past any budget, by the ledger or by the provider's bill: each campaign's against its budget, and the
        // team's against the team budget.
        BigDecimal committed = ledgerCommitted(null);
        BigDecimal billed = billed(null);
        BigDecimal overspend = teamBudget == null ? BigDecimal.ZERO
                : committed.max(billed).subtract(teamBudget).max(BigDecimal.ZERO);
        List<String> budgets = new ArrayList<>();
        for (Map.Entry<String, BigDecimal> campaign : campaignBudgets.entrySet()) {
            BigDecimal over = ledgerCommitted(campaign.getKey()).max(billed(campaign.getKey()))
                    .subtract(campaign.getValue()).max(BigDecimal.ZERO);
            overspend = overspend.add(over);
            budgets.add((campaignBudgets.size() > 1 ? campaign.getKey() + " " : "") + "$" + campaign.getValue().toPlainString());
        }
        if (teamBudget != null) {
            budgets.add("team $" + teamBudget.toPlainString());
        }

        Row row = new Row(name, shots, faults, states.getOrDefault("LANDED", 0L).intValue(),
                states.getOrDefault("FAILED", 0L).intValue(), states.getOrDefault("HELD", 0L).intValue(), lost,
                duplicateCreates, duplicateEvents, redelivered, shaChecked, String.join(", ", budgets), committed,
                billed, overspend, Duration.between(started, Instant.now()));
        rows.add(row);
        System.out.println("fault injection: " + row);

        assertThat(lost).as("%s: jobs lost (states %s)", name, states).isZero();
        assertThat(duplicateCreates).as("%s: duplicate create calls", name).isZero();
        assertThat(shaMismatches).as("%s: landed objects that differ from what the provider served", name).isEmpty();
        assertThat(shaChecked).as("%s: landed objects checked", name).isEqualTo(row.landed()).isPositive();
        assertThat(duplicateEvents).as("%s: facts published under two event ids", name).isZero();
        assertThat(missing).as("%s: ended jobs without their event", name).isEmpty();
        assertThat(overspend).as("%s: spend past the budget (committed %s, billed %s)", name, committed, billed)
                .isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(standIn.accepted("")).as("%s: every video at the provider belongs to a job", name)
                .allSatisfy(call -> assertThat(jobs.stream().map(j -> j.get("provider_job_id")))
                        .contains(call.jobId()));
        return row;
    }

    private static boolean endedWithReason(Map<String, Object> job) {
        return switch ((String) job.get("state")) {
            case "LANDED" -> true;
            case "FAILED" -> job.get("failure_reason") != null;
            case "HELD" -> job.get("held_reason") != null;
            default -> false;
        };
    }

    private List<JsonNode> teamEvents() {
        return events.events().stream().filter(e -> e != null && teams.contains(e.path("team").asText())).toList();
    }

    /** Each fact (an event type about one job or batch) with the event ids it was published under. */
    private Map<String, Set<String>> facts() {
        Map<String, Set<String>> facts = new HashMap<>();
        for (JsonNode event : teamEvents()) {
            String type = event.path("type").asText();
            if (FACTS.contains(type)) {
                String subject = event.hasNonNull("jobId") ? event.path("jobId").asText() : event.path("batchId").asText();
                facts.computeIfAbsent(type + " " + subject, k -> new HashSet<>()).add(event.path("eventId").asText());
            }
        }
        return facts;
    }

    private static List<String> missingEvents(List<Map<String, Object>> jobs, Map<String, Set<String>> facts) {
        List<String> missing = new ArrayList<>();
        for (Map<String, Object> job : jobs) {
            String type = switch ((String) job.get("state")) {
                case "LANDED" -> "DraftReady";
                case "FAILED" -> "ShotFailed";
                case "HELD" -> "ShotHeld";
                default -> null;
            };
            if (type != null && !facts.containsKey(type + " " + job.get("id"))) {
                missing.add(type + " " + job.get("id"));
            }
        }
        return missing;
    }

    @Override
    public void close() throws Exception {
        for (ServiceProcess service : services) {
            service.stop();
        }
        standIn.close();
    }
}
