package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.auth.Role;
import dev.drover.core.function.Settings;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.local.stack.ScriptedMigrator.Execution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rollouts and bulk actions end to end, through the local stack over real sockets (HTTP, the in-process Temporal
 * server, the Dapr and broker stand-ins, Redis), with a migrator on the SDK whose steps report what the test says:
 * what the migrator executes is what a rollout really started.
 */
class RolloutTest {
    private static final String MIGRATOR = "rollout-migrator";
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    /** How long the test waits to be sure nothing more reaches the migrator. */
    private static final Duration QUIET = Duration.ofMillis(1500);
    private static LocalStack stack;
    private static StackApi api;
    private static ScriptedMigrator migrator;

    @BeforeAll
    static void start() {
        String redisUrl = System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL);
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", redisUrl,
                                                             "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
        stack = LocalStack.start(LocalStackSettings.ephemeral(functions, FreePort.pick()).withoutDemo());
        api = new StackApi(stack);
        migrator = ScriptedMigrator.join(stack, MIGRATOR);
    }

    @AfterAll
    static void stop() {
        migrator.close();
        stack.close();
        StackKeys.drop(stack.state());
    }

    /** The migration the running test works on: steps of others (left by a test that failed) are ignored. */
    private static String current;

    /** The next step of the current test's migration at the migrator, or null when none came within {@code patience}. */
    private static Execution next(Duration patience) throws InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        while (true) {
            long left = until - System.nanoTime();
            Execution next = migrator.nextAny(Duration.ofNanos(Math.max(0, left)));
            if (next == null || next.step().migrationId().equals(current)) {
                return next;
            }
        }
    }

    /** Announces a one-step migration and discovers candidates: id to metadata. */
    private static void migration(String migrationId, Map<String, Map<String, String>> candidates) throws Exception {
        current = migrationId;
        api.announceAndDiscover(MIGRATOR, migrationId, List.of("work"), List.of());
        List<DiscoveredCandidate> discovered = new ArrayList<>();
        candidates.forEach((id, metadata) -> discovered.add(new DiscoveredCandidate(id, "app", metadata, List.of(), List.of())));
        assertEquals(200, api.call("POST", "/migrations/" + migrationId + "/candidates", discovered,
                                   stack.issuer().migratorToken(MIGRATOR)).statusCode());
    }

    private static Map<String, Map<String, String>> candidates(String prefix, int count, Map<String, String> metadata) {
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            result.put(prefix + "-" + (char) ('a' + i), metadata);
        }
        return result;
    }

    private static String rollout(String migrationId, Map<String, Object> body) throws Exception {
        HttpResponse<String> answer = api.call("POST", "/migrations/" + migrationId + "/rollouts", body,
                                               stack.issuer().userToken("olga", Role.OPERATOR));
        assertEquals(202, answer.statusCode(), answer.body());
        JsonNode rollout = Json.mapper().readTree(answer.body());
        assertEquals("running", rollout.get("status").asText());
        assertEquals("olga", rollout.get("createdBy").asText());
        return rollout.get("rolloutId").asText();
    }

    private static HttpResponse<String> act(String migrationId, String rolloutId, String action) throws Exception {
        return api.call("POST", "/migrations/" + migrationId + "/rollouts/" + rolloutId + "/" + action, null,
                        stack.issuer().userToken("olga", Role.OPERATOR));
    }

    private static JsonNode awaitRollout(String migrationId, String rolloutId, String what, java.util.function.Predicate<JsonNode> done)
            throws Exception {
        return api.await(what, "/migrations/" + migrationId + "/rollouts/" + rolloutId, PATIENCE, done);
    }

    /** Every step that reaches the migrator within {@code QUIET} (after the first, which may take up to the patience). */
    private static List<Execution> arrivals(int atLeast) throws InterruptedException {
        List<Execution> arrived = new ArrayList<>();
        long until = System.nanoTime() + PATIENCE.toNanos();
        while (arrived.size() < atLeast && System.nanoTime() < until) {
            Execution next = next(Duration.ofMillis(100));
            if (next != null) {
                arrived.add(next);
            }
        }
        assertTrue(arrived.size() >= atLeast, "expected at least " + atLeast + " steps at the migrator, got " + arrived.size());
        Execution more;
        while ((more = next(QUIET)) != null) {
            arrived.add(more);
        }
        return arrived;
    }

    private static void assertNothingArrives() throws InterruptedException {
        Execution none = next(QUIET);
        assertNull(none, () -> "no run should have started, but " + none.step().candidate().id() + " did");
    }

    private static String candidateOf(Execution execution) {
        return execution.step().candidate().id();
    }

    @Test
    void aRolloutRunsExactlyTheSelectedCandidatesNeverMoreThanItsConcurrency() throws Exception {
        Map<String, Map<String, String>> candidates = new LinkedHashMap<>(candidates("pay", 12, Map.of("team", "payments")));
        candidates.putAll(candidates("search", 8, Map.of("team", "search")));
        migration("rollout-selection", candidates);
        List<JsonNode> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        String channel = stack.state().keys().prefix() + "events:rollout-selection";
        RedisClient subscriber = RedisClient.create(URI.create(System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL)));
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String from, String message) {
                try {
                    events.add(Json.mapper().readTree(message));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        Thread listening = Thread.ofVirtual().start(() -> subscriber.subscribe(listener, channel));
        while (listener.getSubscribedChannels() < 1) {
            Thread.sleep(20);
        }
        String rolloutId = rollout("rollout-selection", Map.of("selector", Map.of("metadata", Map.of("team", "payments")),
                                                                "concurrency", 5));

        Set<String> executed = new HashSet<>();
        List<Execution> outstanding = new ArrayList<>();
        int most = 0;
        while (executed.size() < 12) {
            // Take whatever arrives while nothing is reported: the rollout has every chance to start too many.
            Execution next = next(outstanding.isEmpty() ? PATIENCE : QUIET);
            if (next != null) {
                assertTrue(executed.add(candidateOf(next)), candidateOf(next) + " was executed twice");
                outstanding.add(next);
                most = Math.max(most, outstanding.size());
                assertTrue(outstanding.size() <= 5, "more than 5 runs at the migrator at once: " + outstanding.size());
                continue;
            }
            outstanding.removeFirst().report(CallbackStatus.SUCCEEDED, "rollout");
        }
        outstanding.forEach(e -> e.report(CallbackStatus.SUCCEEDED, "rollout"));
        assertEquals(5, most, "the rollout kept 5 runs in flight");
        assertEquals(candidates("pay", 12, Map.of()).keySet(), executed, "exactly the payments candidates ran");

        JsonNode done = awaitRollout("rollout-selection", rolloutId, "the rollout completed", r -> r.get("status").asText().equals("completed"));
        JsonNode counts = done.get("counts");
        assertEquals(12, counts.get("selected").asInt(), done.toString());
        assertEquals(12, counts.get("started").asInt(), done.toString());
        assertEquals(12, counts.get("succeeded").asInt(), done.toString());
        assertEquals(0, counts.get("running").asInt(), done.toString());
        assertNothingArrives();
        for (String search : candidates("search", 8, Map.of()).keySet()) {
            assertEquals("not_started", api.get("/migrations/rollout-selection/candidates/" + search).get("status").asText());
        }
        JsonNode list = api.get("/migrations/rollout-selection/rollouts");
        assertEquals(rolloutId, list.get("items").get(0).get("rolloutId").asText());

        // Each change was published for the live event stream, as the API answers it, with "type": "rollout".
        listener.unsubscribe();
        listening.join(5000);
        subscriber.close();
        // The channel carries the candidates' changes too (ADR 0012): each run's start and end.
        assertTrue(events.stream().anyMatch(e -> e.get("type").asText().equals("candidate")), events.toString());
        events.removeIf(e -> !e.get("type").asText().equals("rollout"));
        assertTrue(events.stream().allMatch(e -> e.get("rolloutId").asText().equals(rolloutId)), events.toString());
        assertEquals("running", events.getFirst().get("status").asText(), "the first event is the new rollout");
        JsonNode last = events.getLast();
        assertEquals("completed", last.get("status").asText(), last.toString());
        assertEquals(12, last.get("counts").get("succeeded").asInt(), last.toString());
        assertTrue(events.stream().anyMatch(e -> e.get("counts").get("succeeded").asInt() > 0 && e.get("counts").get("succeeded").asInt() < 12),
                   "the counts were published as they changed, not only at the end: " + events);
    }

    @Test
    void wavesWaitForAPromotionAndPauseResumeAndAbortSteerTheStarts() throws Exception {
        migration("rollout-waves", candidates("w", 8, Map.of()));
        String rolloutId = rollout("rollout-waves", Map.of("selector", Map.of(), "concurrency", 2,
                                                            "waves", List.of(Map.of("size", 2, "after", "promote"))));
        List<Execution> canary = arrivals(2);
        assertEquals(2, canary.size(), "the first wave is 2 runs");
        HttpResponse<String> early = act("rollout-waves", rolloutId, "promote");
        assertEquals(409, early.statusCode(), early.body());
        assertEquals("nothing_to_promote", Json.mapper().readTree(early.body()).get("error").get("code").asText());
        canary.forEach(e -> e.report(CallbackStatus.SUCCEEDED, "canary"));
        awaitRollout("rollout-waves", rolloutId, "the canary wave waits", r -> "promote".equals(r.get("wave").get("waiting").asText(null)));
        assertNothingArrives();

        assertEquals(202, act("rollout-waves", rolloutId, "promote").statusCode());
        List<Execution> second = arrivals(2);
        assertEquals(2, second.size(), "concurrency 2 after the canary");
        HttpResponse<String> paused = act("rollout-waves", rolloutId, "pause");
        assertEquals(202, paused.statusCode(), paused.body());
        assertEquals(409, act("rollout-waves", rolloutId, "pause").statusCode(), "a paused rollout is not paused again");
        second.forEach(e -> e.report(CallbackStatus.SUCCEEDED, "second"));
        JsonNode pausedRollout = awaitRollout("rollout-waves", rolloutId, "the paused rollout's runs ended",
                                              r -> r.get("counts").get("succeeded").asInt() == 4);
        assertEquals("paused", pausedRollout.get("status").asText());
        assertTrue(pausedRollout.get("pausedReason").asText().contains("olga"), pausedRollout.toString());
        assertNothingArrives();

        assertEquals(202, act("rollout-waves", rolloutId, "resume").statusCode());
        List<Execution> third = arrivals(2);
        assertEquals(2, third.size());
        assertEquals(202, act("rollout-waves", rolloutId, "abort").statusCode());
        third.forEach(e -> e.report(CallbackStatus.SUCCEEDED, "third"));
        JsonNode aborted = awaitRollout("rollout-waves", rolloutId, "the rollout aborted", r -> r.get("status").asText().equals("aborted"));
        assertNothingArrives();
        assertEquals(6, aborted.get("counts").get("started").asInt(), aborted.toString());
        HttpResponse<String> again = act("rollout-waves", rolloutId, "resume");
        assertEquals(409, again.statusCode(), again.body());
        int notStarted = 0;
        for (String id : candidates("w", 8, Map.of()).keySet()) {
            if (api.get("/migrations/rollout-waves/candidates/" + id).get("status").asText().equals("not_started")) {
                notStarted++;
            }
        }
        assertEquals(2, notStarted, "the aborted rollout left the last 2 candidates alone");
    }

    @Test
    void aSpentFailureBudgetPausesTheRolloutAndBulkActionsRetryAndCancel() throws Exception {
        migration("rollout-budget", candidates("b", 6, Map.of()));
        String rolloutId = rollout("rollout-budget", Map.of("selector", Map.of("status", List.of("not_started")), "concurrency", 2,
                                                             "failureBudget", Map.of("count", 1)));
        List<Execution> first = arrivals(2);
        first.get(0).report(CallbackStatus.FAILED, "budget");
        JsonNode paused = awaitRollout("rollout-budget", rolloutId, "the budget pauses the rollout",
                                       r -> r.get("status").asText().equals("paused"));
        assertTrue(paused.get("pausedReason").asText().contains("failure budget"), paused.toString());
        assertEquals(1, paused.get("counts").get("failed").asInt(), paused.toString());
        first.get(1).report(CallbackStatus.SUCCEEDED, "budget");
        awaitRollout("rollout-budget", rolloutId, "the other run ends", r -> r.get("counts").get("succeeded").asInt() == 1);
        assertNothingArrives();

        // Bulk retry over the failed candidates: the failed step is dispatched again.
        HttpResponse<String> retried = api.call("POST", "/migrations/rollout-budget/bulk/retry",
                                                Map.of("selector", Map.of("status", List.of("failed"))),
                                                stack.issuer().userToken("olga", Role.OPERATOR));
        assertEquals(202, retried.statusCode(), retried.body());
        JsonNode retry = Json.mapper().readTree(retried.body());
        assertEquals(1, retry.get("selected").asInt(), retry.toString());
        assertEquals(1, retry.get("applied").asInt(), retry.toString());
        assertEquals(false, retry.get("more").asBoolean());
        List<Execution> again = arrivals(1);
        assertEquals(List.of(candidateOf(first.get(0))), List.of(candidateOf(again.get(0))), "the failed candidate ran again");
        again.getFirst().report(CallbackStatus.SUCCEEDED, "retried");
        api.awaitStatus("rollout-budget", candidateOf(again.getFirst()), "completed", PATIENCE);

        // Resumed, the rollout starts the next two; a bulk cancel over the running ones ends them.
        assertEquals(202, act("rollout-budget", rolloutId, "resume").statusCode());
        List<Execution> next = arrivals(2);
        assertEquals(2, next.size());
        HttpResponse<String> cancelled = api.call("POST", "/migrations/rollout-budget/bulk/cancel",
                                                  Map.of("selector", Map.of("status", List.of("running"), "idPrefix", "b-")),
                                                  stack.issuer().userToken("olga", Role.OPERATOR));
        assertEquals(202, cancelled.statusCode(), cancelled.body());
        assertEquals(2, Json.mapper().readTree(cancelled.body()).get("applied").asInt(), cancelled.body());
        for (Execution e : next) {
            api.awaitStatus("rollout-budget", candidateOf(e), "not_started", PATIENCE);
        }
        JsonNode counted = awaitRollout("rollout-budget", rolloutId, "the rollout counts the cancelled runs",
                                        r -> r.get("counts").get("cancelled").asInt() == 2);
        // The rollout walked past them: it starts the last two, not the cancelled ones again.
        List<Execution> last = arrivals(2);
        assertEquals(2, last.size(), counted.toString());
        for (Execution e : last) {
            assertTrue(next.stream().noneMatch(n -> candidateOf(n).equals(candidateOf(e))), candidateOf(e) + " started twice");
            e.report(CallbackStatus.SUCCEEDED, "last");
        }
        JsonNode done = awaitRollout("rollout-budget", rolloutId, "completed", r -> r.get("status").asText().equals("completed"));
        assertEquals(6, done.get("counts").get("started").asInt(), done.toString());
        assertEquals(1, done.get("counts").get("failed").asInt(), "the retried run stays counted as failed: " + done);
        assertEquals(3, done.get("counts").get("succeeded").asInt(), done.toString());
        assertEquals(2, done.get("counts").get("cancelled").asInt(), done.toString());

        stack.awaitHistory(Duration.ofSeconds(20));
        JsonNode audit = api.get("/history/audit?migration=rollout-budget&limit=100");
        Map<String, Integer> actions = new HashMap<>();
        for (JsonNode item : audit.get("items")) {
            actions.merge(item.get("action").asText() + "/" + item.get("actor").asText(), 1, Integer::sum);
        }
        assertEquals(1, actions.get("rollout-create/olga"), audit.toString());
        assertEquals(1, actions.get("rollout-resume/olga"), audit.toString());
        assertEquals(6, actions.get("start/olga"), "each run the rollout started is audited as its creator's start: " + actions);
        assertEquals(1, actions.get("retry-step/olga"), actions.toString());
        assertEquals(2, actions.get("cancel/olga"), actions.toString());
        assertEquals(1, actions.get("bulk-retry/olga"), actions.toString());
        assertEquals(1, actions.get("bulk-cancel/olga"), actions.toString());
    }

    @Test
    void aReplacedWorkerCarriesTheRolloutOnAndNothingRunsTwice() throws Exception {
        migration("rollout-replaced", candidates("r", 6, Map.of()));
        String rolloutId = rollout("rollout-replaced", Map.of("selector", Map.of(), "concurrency", 3));
        List<Execution> first = arrivals(3);
        assertEquals(3, first.size());
        stack.stopWorker();
        first.forEach(e -> e.report(CallbackStatus.SUCCEEDED, "before"));
        Thread.sleep(500);
        stack.startWorker();
        List<Execution> second = arrivals(3);
        assertEquals(3, second.size());
        Set<String> ran = new HashSet<>();
        for (Execution e : first) {
            ran.add(candidateOf(e));
        }
        for (Execution e : second) {
            assertTrue(ran.add(candidateOf(e)), candidateOf(e) + " ran twice");
            e.report(CallbackStatus.SUCCEEDED, "after");
        }
        JsonNode done = awaitRollout("rollout-replaced", rolloutId, "completed", r -> r.get("status").asText().equals("completed"));
        assertEquals(6, done.get("counts").get("succeeded").asInt(), done.toString());
        assertEquals(6, ran.size());
        assertNothingArrives();
    }

    /**
     * More starts than one workflow run of the rollout makes (it continues as new every 200): the rollout carries its
     * cursor and runs in flight across, and every candidate still runs once.
     */
    @Test
    void aLongRolloutContinuesAsNewAndStartsEachCandidateOnce() throws Exception {
        Map<String, Map<String, String>> many = new LinkedHashMap<>();
        for (int i = 0; i < 230; i++) {
            many.put("long-%03d".formatted(i), Map.of());
        }
        migration("rollout-long", many);
        String rolloutId = rollout("rollout-long", Map.of("selector", Map.of(), "concurrency", 40));
        Set<String> executed = new HashSet<>();
        long until = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (executed.size() < many.size() && System.nanoTime() < until) {
            Execution next = next(Duration.ofSeconds(1));
            if (next != null) {
                assertTrue(executed.add(candidateOf(next)), candidateOf(next) + " ran twice");
                next.report(CallbackStatus.SUCCEEDED, "long");
            }
        }
        assertEquals(many.keySet(), executed);
        JsonNode done = api.await("the long rollout completed", "/migrations/rollout-long/rollouts/" + rolloutId, Duration.ofMinutes(1),
                                  r -> r.get("status").asText().equals("completed"));
        assertEquals(230, done.get("counts").get("started").asInt(), done.toString());
        assertEquals(230, done.get("counts").get("succeeded").asInt(), done.toString());
        var first = stack.workflowClient().fetchHistory(rolloutId).getEvents().getFirst();
        assertTrue(!first.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId().isEmpty(),
                   "the rollout's last workflow run was continued from an earlier one");
        assertNothingArrives();
    }

    @Test
    void aRateSpacesTheStarts() throws Exception {
        migration("rollout-rate", candidates("t", 3, Map.of()));
        String rolloutId = rollout("rollout-rate", Map.of("selector", Map.of(), "concurrency", 3, "ratePerMinute", 60));
        List<Long> arrivedAt = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Execution next = next(PATIENCE);
            assertTrue(next != null, "run " + (i + 1) + " started");
            arrivedAt.add(System.nanoTime());
            next.report(CallbackStatus.SUCCEEDED, "rate");
        }
        // 60 a minute: one a second, although 3 slots were free from the start
        assertTrue(arrivedAt.get(2) - arrivedAt.get(0) >= Duration.ofMillis(1800).toNanos(),
                   "3 starts took " + (arrivedAt.get(2) - arrivedAt.get(0)) / 1_000_000 + " ms");
        awaitRollout("rollout-rate", rolloutId, "completed", r -> r.get("status").asText().equals("completed"));
    }

    @Test
    void badRolloutRequestsAreRefusedWithStableCodes() throws Exception {
        migration("rollout-refused", candidates("x", 1, Map.of()));
        String operator = stack.issuer().userToken("olga", Role.OPERATOR);
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("concurrency 0", Map.of("selector", Map.of(), "concurrency", 0));
        bad.put("wave size 0", Map.of("selector", Map.of(), "waves", List.of(Map.of("size", 0))));
        bad.put("wave after", Map.of("selector", Map.of(), "waves", List.of(Map.of("size", 1, "after", "soon"))));
        bad.put("budget both", Map.of("selector", Map.of(), "failureBudget", Map.of("count", 1, "percent", 5)));
        bad.put("status", Map.of("selector", Map.of("status", List.of("done"))));
        bad.put("prefix", Map.of("selector", Map.of("idPrefix", "A*")));
        bad.put("no selector", Map.of("concurrency", 2));
        bad.put("unknown input", Map.of("selector", Map.of(), "inputs", Map.of("nope", "1")));
        for (Map.Entry<String, Object> entry : bad.entrySet()) {
            HttpResponse<String> answer = api.call("POST", "/migrations/rollout-refused/rollouts", entry.getValue(), operator);
            assertEquals(400, answer.statusCode(), entry.getKey() + ": " + answer.body());
        }
        assertEquals(404, api.call("POST", "/migrations/nowhere/rollouts", Map.of("selector", Map.of()), operator).statusCode());
        assertEquals(404, api.call("GET", "/migrations/rollout-refused/rollouts/rollout-none", null, operator).statusCode());
        assertEquals(404, api.call("POST", "/migrations/rollout-refused/rollouts/rollout-none/pause", null, operator).statusCode());
        String viewer = stack.issuer().userToken("vera", Role.VIEWER);
        assertEquals(403, api.call("POST", "/migrations/rollout-refused/rollouts", Map.of("selector", Map.of()), viewer).statusCode());
        assertEquals(403, api.call("POST", "/migrations/rollout-refused/bulk/cancel", Map.of("selector", Map.of()), viewer).statusCode());
        assertEquals(200, api.call("GET", "/migrations/rollout-refused/rollouts", null, viewer).statusCode());
        assertEquals(401, StackApi.send(stack.apiUri().resolve("/migrations/rollout-refused/rollouts"), "GET", null).statusCode());
    }
}
