package dev.drover.core.state;

import dev.drover.contract.event.AnnouncementOutcome;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.run.RunRecord;
import dev.drover.core.signing.CallbackTokens;
import io.helidon.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the stores do besides the scripts' rules: inputs, cancelling open steps, owners, outcomes, events, clean-up. */
class StoresTest {
    private final RedisState state = TestStates.create();

    @AfterEach
    void drop() {
        TestStates.drop(state);
    }

    private RunRecord started(String m, String id) {
        state.migrations().announce(StateRules.migration(m), StateRules.OWNER);
        state.candidates().merge(m, List.of(StateRules.candidate(id, Map.of())));
        String runId = "run-" + UUID.randomUUID();
        state.runs().claim(m, id, runId, "h", StateRules.migration(m).steps());
        return state.runs().find(runId).orElseThrow();
    }

    @Test
    void inputsAreSetOneByOneAndAStartThatFailedPutsBackWhatItChanged() {
        state.runs().setInputs("m", "a", Map.of());
        assertEquals(Map.of(), state.runs().inputs("m", "a"));
        state.runs().setInputs("m", "a", Map.of("target-version", "3.0.0", "region", "eu"));
        state.runs().setInputs("m", "a", Map.of("target-version", "3.1.0", "window", "night"));
        assertEquals(Map.of("target-version", "3.1.0", "region", "eu", "window", "night"), state.runs().inputs("m", "a"));
        state.runs().restoreInputs("m", "a", Map.of("target-version", "3.0.0", "region", "eu"), Set.of("target-version", "window"));
        assertEquals(Map.of("target-version", "3.0.0", "region", "eu"), state.runs().inputs("m", "a"));
        state.runs().setInputs("m", "a", Map.of("region", "us"), "inputs-entry");
        state.runs().setInputs("m", "a", Map.of(), "empty-inputs-entry");
        assertEquals("us", state.runs().inputs("m", "a").get("region"));
        assertEquals(List.of("inputs-entry", "empty-inputs-entry"),
                     state.redis().xrange(state.keys().historyOutbox(), "-", "+").stream().map(e -> e.getFields().get("e")).toList());
    }

    @Test
    void cancellingARunsOpenStepsMarksThoseUnderWayOrFailedAndLeavesTheRest() {
        RunRecord run = started("cancel-open", "a");
        Instant now = Instant.parse("2026-12-02T07:00:00Z");
        state.runs().recordStep(run, new StepState("bump", StepStatus.SUCCEEDED, 1, Map.of("pr", "1"), "", null, null, null),
                                Optional.empty());
        state.runs().recordStep(run, new StepState("merge", StepStatus.PENDING, 2, Map.of("pr", "2"), "waiting", now, null, null),
                                Optional.empty());
        state.runs().cancelOpenSteps(run, "cancelled by ann", now);
        Map<String, StepState> steps = state.runs().stepStates("cancel-open", "a");
        assertEquals(StepStatus.SUCCEEDED, steps.get("bump").status());
        assertEquals(new StepState("merge", StepStatus.CANCELLED, 2, Map.of("pr", "2"), "cancelled by ann", now, now, now),
                     steps.get("merge"));

        RunRecord failed = started("cancel-failed", "b");
        state.runs().recordStep(failed, new StepState("bump", StepStatus.FAILED, 1, Map.of(), "boom", null, null, null),
                                Optional.of(CandidateStatus.FAILED));
        state.runs().cancelOpenSteps(failed, "gone", now);
        assertEquals(StepStatus.CANCELLED, state.runs().stepState("cancel-failed", "b", "bump").orElseThrow().status());
        assertEquals(StepStatus.NOT_STARTED, state.runs().stepState("cancel-failed", "b", "merge").orElseThrow().status());
    }

    @Test
    void aRunClaimedBeforeTokensWereHashedIsReadWithItsTokensHash() {
        state.redis().hset(state.keys().run("legacy"), Map.of("migrationId", "m", "candidateId", "a", "attempt", "1",
                                                               "status", "running", "token", "old-token",
                                                               "startedAt", "2026-01-01T00:00:00Z"));
        RunRecord legacy = state.runs().find("legacy").orElseThrow();
        assertEquals(CallbackTokens.hash("old-token"), legacy.tokenHash());
        assertEquals(RunStatus.RUNNING, legacy.status());
        assertEquals(null, legacy.finishedAt());
        assertEquals(Optional.empty(), state.runs().find("never"));
        assertEquals(List.of(), state.runs().steps("never"));
        assertEquals(Optional.empty(), state.runs().currentRunId("m", "never"));
    }

    @Test
    void aMigrationsOwnerDefinitionAndExistenceAreReadAlone() {
        assertFalse(state.migrations().exists("m-1"));
        assertEquals(Optional.empty(), state.migrations().definition("m-1"));
        assertEquals(Optional.empty(), state.migrations().counts("m-1"));
        assertEquals(Optional.empty(), state.migrations().find("m-1"));
        assertFalse(state.migrations().anyOwnedBy("app-1"));
        state.migrations().announce(StateRules.migration("m-1"), "app-1");
        state.migrations().announce(StateRules.migration("m-2"), "app-2");
        assertTrue(state.migrations().exists("m-1"));
        assertEquals(Optional.of(StateRules.migration("m-1")), state.migrations().definition("m-1"));
        assertTrue(state.migrations().anyOwnedBy("app-1"));
        assertTrue(state.migrations().anyOwnedBy("app-2"));
        assertFalse(state.migrations().anyOwnedBy("app-3"));
        assertEquals(Optional.of("app-1"), state.migrations().owner("m-1"));
        MigrationNotFound notFound = assertThrows(MigrationNotFound.class, () -> state.migrations().transfer("m-9", "app-1"));
        assertEquals("m-9", notFound.migrationId());
    }

    @Test
    void aReannouncedDefinitionIsReadChangedByEveryRead() {
        dev.drover.contract.model.Migration first = StateRules.migration("m-1");
        state.migrations().announce(first, "app-1");
        assertEquals(first, state.migrations().find("m-1").orElseThrow().migration());
        assertEquals(Optional.of(first), state.migrations().definition("m-1"));

        // Read once more through the same store (parsed definitions are kept), after the migrator announced a new one.
        dev.drover.contract.model.Migration renamed = new dev.drover.contract.model.Migration(
                "m-1", "Upgrade the chart to 3.x", "now with a description", List.of(), first.steps(), List.of());
        state.migrations().announce(renamed, "app-1");
        assertEquals(renamed, state.migrations().find("m-1").orElseThrow().migration());
        assertEquals(Optional.of(renamed), state.migrations().definition("m-1"));
        assertEquals(List.of(renamed), state.migrations().list().stream().map(m -> m.migration()).toList());
    }

    @Test
    void eachAppsLastAnnouncementOutcomeIsKeptApartFromTheUnauthenticatedOne() {
        Instant at = Instant.parse("2026-12-02T07:00:00Z");
        var refused = new AnnouncementOutcome("m-1", "thief", AnnouncementOutcome.DROPPED, "not_owner", "owned by app-1", at);
        var first = new AnnouncementOutcome("m-1", "app-1", AnnouncementOutcome.DROPPED, "invalid", "bad step", at);
        var last = new AnnouncementOutcome("m-1", "app-1", AnnouncementOutcome.ACCEPTED, null, null, at.plusSeconds(1));
        var anonymous = AnnouncementOutcome.unauthenticated("m-1", "missing_credential", "no token", at);
        assertEquals(List.of(), state.announcements().of("m-1"));
        assertEquals(Optional.empty(), state.announcements().unauthenticated("m-1"));
        for (AnnouncementOutcome outcome : List.of(refused, first, last, anonymous)) {
            state.announcements().record(outcome);
        }
        assertEquals(List.of(last, refused), state.announcements().of("m-1"), "by app, the last of each");
        assertEquals(Optional.of(anonymous), state.announcements().unauthenticated("m-1"));
    }

    @Test
    void aScriptRedisHasNeverSeenRunsOnFirstUse() {
        // Redis forgets its scripts on restart: the first EVALSHA fails with NOSCRIPT and the script is sent whole.
        LuaScript fresh = LuaScript.of("return '" + UUID.randomUUID() + "'");
        Object first = fresh.run(state.redis(), List.of(), List.of());
        assertEquals(first, fresh.run(state.redis(), List.of(), List.of()));
        assertEquals(36, ((String) first).length());
        assertTrue(LuaScript.text("announce.lua").contains("'refused'"));
        assertThrows(IllegalStateException.class, () -> LuaScript.RESOURCES.load("no-such-script.lua"));
    }

    @Test
    void deletingAllKeysTouchesOnlyTheStatesPrefixAndCountsThem() {
        RedisState other = TestStates.create();
        try {
            state.migrations().announce(StateRules.migration("m-1"), StateRules.OWNER);
            other.migrations().announce(StateRules.migration("m-1"), StateRules.OWNER);
            assertEquals(2, state.deleteAllKeys(), "the migration's hash and the index of migrations");
            assertFalse(state.migrations().exists("m-1"));
            assertTrue(other.migrations().exists("m-1"));
            assertEquals(0, state.deleteAllKeys());
        } finally {
            TestStates.drop(other);
        }
    }

    @Test
    void readinessIsUpWithRedisAndDownWithoutIt() {
        assertEquals(HealthCheckResponse.Status.UP, state.readiness().call().status());
        assertEquals("redis", state.readiness().name());
        try (RedisState nowhere = RedisState.connect(URI.create("redis://127.0.0.1:1"), TestStates.prefix())) {
            HealthCheckResponse down = nowhere.readiness().call();
            assertEquals(HealthCheckResponse.Status.DOWN, down.status());
            assertTrue(down.details().containsKey("error"), down.details().toString());
        }
        assertEquals(io.helidon.health.HealthCheckType.READINESS, state.readiness().type());
        RedisState closed = RedisState.connect(TestStates.redisUrl(), TestStates.prefix());
        closed.close();
        assertEquals(HealthCheckResponse.Status.DOWN, closed.readiness().call().status(), "a closed state answers nothing");
        assertThrows(IllegalStateException.class, () -> state.newConnection("no-url"));
    }

    @Test
    void aSubscribersConnectionUsesTheUrlsDatabase() {
        URI url = TestStates.redisUrl();
        URI database1 = URI.create(url.getScheme() + "://" + url.getAuthority() + "/1");
        try (RedisState onDatabase1 = RedisState.connect(database1, TestStates.prefix());
             Connection connection = onDatabase1.newConnection("drover-test-db")) {
            String info = new Jedis(connection).clientInfo();
            assertTrue(info.contains(" db=1 ") && info.contains("name=drover-test-db"), info);
        }
    }

    @Test
    void aStateChangeIsPublishedOnItsMigrationsChannel() throws Exception {
        RedisState connected = RedisState.connect(TestStates.redisUrl(), TestStates.prefix());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onPMessage(String pattern, String channel, String message) {
                received.add(connected.keys().migrationOfEvents(channel) + " " + message);
            }
        };
        try (Connection connection = connected.newConnection("drover-test-subscriber")) {
            Thread subscriber = Thread.ofVirtual().start(() -> new Jedis(connection).psubscribe(listener, connected.keys().eventsPattern()));
            for (int i = 0; i < 100 && listener.getSubscribedChannels() == 0; i++) {
                Thread.sleep(20);
            }
            connected.migrations().announce(StateRules.migration("m-1"), StateRules.OWNER);
            connected.candidates().merge("m-1", List.of(StateRules.candidate("a", Map.of())));
            connected.runs().claim("m-1", "a", "run-1", "h", List.of(new Step("bump", "", "x", "bump", Map.of())));
            assertEquals(json("{\"type\":\"candidate\",\"migrationId\":\"m-1\",\"candidateId\":\"a\",\"status\":\"not_started\","
                              + "\"run\":null}"), json(message(received, "m-1")));
            assertEquals(json("{\"type\":\"candidate\",\"migrationId\":\"m-1\",\"candidateId\":\"a\",\"status\":\"running\"}"),
                         json(message(received, "m-1")));
            listener.punsubscribe();
            subscriber.join(5000);
        } finally {
            TestStates.drop(connected);
            connected.close();
        }
    }

    /** The next message, which must be on the channel of {@code migrationId}. */
    private static String message(BlockingQueue<String> received, String migrationId) throws InterruptedException {
        String next = received.poll(5, TimeUnit.SECONDS);
        assertTrue(next != null && next.startsWith(migrationId + " "), String.valueOf(next));
        return next.substring(migrationId.length() + 1);
    }

    /** Compared as JSON: cjson orders an object's fields as it likes. */
    private static com.fasterxml.jackson.databind.JsonNode json(String text) throws Exception {
        return dev.drover.contract.json.Json.mapper().readTree(text);
    }
}
