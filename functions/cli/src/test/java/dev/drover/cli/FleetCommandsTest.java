package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands whose API arrives from other branches (candidate rows with their run and {@code idPrefix}, rollouts,
 * the event stream), against a small real HTTP server that answers in the formats the helpers' brief fixes. The
 * stack-backed CliStackTest covers the rest; once those APIs are merged these commands get stack tests too.
 */
class FleetCommandsTest {
    private static final String TOKEN = "a-token";
    private FakeApi api;
    private Cli cli;

    @TempDir
    Path home;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
        cli = Cli.of(api.url(), TOKEN, home);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static String row(String id, String status, String run) {
        return """
               {"id": "%s", "kind": "application", "metadata": {"team": "payments", "env": "prod"}, "files": [], "steps": [],
                "status": "%s", "createdAt": "2026-12-01T09:00:00Z", "updatedAt": "2026-12-01T10:00:00Z", "run": %s,
                "aFieldFromLater": {"ignored": true}}""".formatted(id, status, run);
    }

    private static final String RUNNING = """
            {"runId": "run-1", "attempt": 2, "status": "running",
             "step": {"name": "bump-chart", "status": "pending", "dispatches": 1, "message": "pull request open",
                      "metadata": {"changeUrl": "https://git.example.com/platform/gitops/pull/42"}, "updatedAt": "2026-12-01T10:00:00Z"}}""";

    private void twoPages() {
        api.on("GET", "/migrations/chart/candidates", request -> request.pathAndQuery().contains("cursor=c2")
                ? FakeApi.Answer.json(200, "{\"items\": [" + row("search", "not_started", "null") + "], \"nextCursor\": null}")
                : FakeApi.Answer.json(200, "{\"items\": [" + row("checkout", "running", RUNNING) + "], \"nextCursor\": \"c2\"}"));
    }

    @Test
    void candidatesShowTheCurrentStepAndItsChangeLinkAndFilterByIdPrefix() {
        twoPages();
        Cli.Result result = cli.run("candidates", "chart", "--status", "running", "--meta", "team=payments", "--id-prefix", "ch", "--all");
        assertEquals(0, result.exit(), result.toString());
        assertEquals("/migrations/chart/candidates?status=running&meta.team=payments&idPrefix=ch&limit=500", api.requests.get(0).pathAndQuery());
        assertEquals("/migrations/chart/candidates?status=running&meta.team=payments&idPrefix=ch&limit=500&cursor=c2",
                     api.requests.get(1).pathAndQuery());
        assertEquals("Bearer " + TOKEN, api.requests.get(0).authorization());
        List<String> lines = result.out().lines().toList();
        assertTrue(lines.get(0).matches("CANDIDATE\\s+STATUS\\s+STEP\\s+UPDATED\\s+CHANGE\\s+METADATA"), result.out());
        assertTrue(lines.get(1).matches("checkout\\s+running\\s+bump-chart pending\\s+.* ago\\s+https://git.example.com/platform/gitops/pull/42\\s+team=payments, env=prod"),
                   lines.get(1));
        assertTrue(lines.get(2).matches("search\\s+not_started\\s+-\\s+.* ago\\s+-\\s+team=payments, env=prod"), lines.get(2));
    }

    @Test
    void jsonJoinsThePagesInTheApisShapeAndKeepsFieldsTheCliDoesNotKnow() {
        twoPages();
        JsonNode json = cli.run("candidates", "chart", "--all", "-o", "json").json();
        assertEquals(2, json.path("items").size());
        assertTrue(json.path("nextCursor").isNull());
        assertEquals("https://git.example.com/platform/gitops/pull/42",
                     json.path("items").path(0).path("run").path("step").path("metadata").path("changeUrl").asText());
        assertTrue(json.path("items").path(0).path("aFieldFromLater").path("ignored").asBoolean());

        JsonNode firstOnly = cli.run("candidates", "chart", "--limit", "1", "-o", "json").json();
        assertEquals(1, firstOnly.path("items").size());
        assertEquals("c2", firstOnly.path("nextCursor").asText(), "where the next page starts, for a script");
    }

    @Test
    void aTableFitsTheTerminalAndCutsWithAnEllipsis() {
        twoPages();
        Cli.Result narrow = cli.on(new Terminal(true, 60, false)).run("candidates", "chart", "--all");
        assertEquals(0, narrow.exit(), narrow.toString());
        narrow.out().lines().forEach(line -> assertTrue(line.length() <= 60, "at most 60 columns: '" + line + "'"));
        assertTrue(narrow.out().contains("…"), narrow.out());
        assertTrue(narrow.out().lines().skip(1).findFirst().orElseThrow().startsWith("checkout"), "ids are kept: " + narrow.out());

        Cli.Result piped = cli.run("candidates", "chart", "--all");
        assertFalse(piped.out().contains("…"), "a pipe gets every character: " + piped.out());
    }

    @Test
    void coloursOnATerminalKeepTheColumnsAligned() {
        twoPages();
        Cli.Result coloured = cli.on(new Terminal(true, 200, true)).run("candidates", "chart", "--all");
        List<String> lines = coloured.out().lines().toList();
        assertTrue(lines.get(1).contains("\u001b[33mrunning\u001b[0m") && lines.get(1).contains("bump-chart \u001b[33mpending\u001b[0m"), coloured.out());
        List<String> shown = lines.stream().map(l -> l.replaceAll("\u001b\\[[0-9;]*m", "")).toList();
        int step = shown.get(0).indexOf("STEP");
        assertEquals(step, shown.get(1).indexOf("bump-chart"), "colour codes take no column: " + shown);
        assertEquals(step, shown.get(2).indexOf("-  "), shown.toString());
        assertEquals(shown, cli.on(new Terminal(true, 200, false)).run("candidates", "chart", "--all").out().lines().toList(),
                     "the same table without colour");
    }

    private static String rollout(String status, String waiting, int succeeded, int failed) {
        return """
               {"rolloutId": "r-1", "migrationId": "chart", "status": "%s", "pausedReason": %s,
                "selector": {"status": ["not_started"], "metadata": {"team": "payments"}}, "concurrency": 5, "ratePerMinute": 30,
                "waves": [{"size": 2, "after": "promote"}], "failureBudget": {"count": 3}, "inputs": {"target": "3.0.0"},
                "wave": {"index": 0, "size": 2, "waiting": %s},
                "counts": {"selected": 4, "started": %d, "skipped": 0, "running": 0, "succeeded": %d, "failed": %d, "cancelled": 0},
                "createdBy": "ann", "createdAt": "2026-12-01T10:00:00Z", "updatedAt": "2026-12-01T10:05:00Z"}"""
                .formatted(status, status.equals("paused") ? "\"failure budget spent: 3 failed\"" : "null",
                           waiting == null ? "null" : "\"" + waiting + "\"", succeeded + failed, succeeded, failed);
    }

    @Test
    void rolloutSendsTheSelectorAndSettingsThenWaitsForTheEnd() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        api.on("POST", "/migrations/chart/rollouts", request -> FakeApi.Answer.json(202, rollout("running", null, 0, 0)));
        api.on("GET", "/migrations/chart/rollouts/r-1", request -> FakeApi.Answer.json(200, switch (polls.incrementAndGet()) {
            case 1 -> rollout("running", "promote", 2, 0);
            case 2 -> rollout("running", null, 3, 0);
            default -> rollout("completed", null, 4, 0);
        }));
        Cli.Result result = cli.run("rollout", "chart", "--meta", "team=payments", "--ids", "checkout,search", "--concurrency", "5",
                                    "--canary", "2", "--rate", "30", "--max-failures", "3", "--input", "target=3.0.0", "--wait", "--poll", "0.05");
        assertEquals(0, result.exit(), result.toString());
        JsonNode body = ApiClient.JSON.readTree(api.requests.get(0).body());
        assertEquals(ApiClient.JSON.readTree("""
                {"selector": {"status": ["not_started"], "metadata": {"team": "payments"}, "ids": ["checkout", "search"]},
                 "concurrency": 5, "ratePerMinute": 30, "waves": [{"size": 2, "after": "promote"}],
                 "failureBudget": {"count": 3}, "inputs": {"target": "3.0.0"}}"""), body);
        List<String> lines = result.out().lines().toList();
        assertEquals("started rollout r-1 running, wave 1 (2): 4 selected, 0 started, 0 running, 0 succeeded, 0 failed, 0 cancelled, 0 skipped",
                     lines.get(0));
        assertTrue(lines.contains("rollout r-1 running, wave 1 (2), waits for promote: 4 selected, 2 started, 0 running, 2 succeeded, 0 failed, 0 cancelled, 0 skipped"),
                   result.out());
        assertTrue(lines.contains("  the canary is done when its runs are: ./drover promote chart r-1"), result.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("rollout r-1 completed"), result.out());
    }

    @Test
    void aWaitThatEndsPausedOrAbortedExitsFive() {
        api.on("POST", "/migrations/chart/rollouts", request -> FakeApi.Answer.json(202, rollout("running", null, 0, 0)));
        api.on("GET", "/migrations/chart/rollouts/r-1", request -> FakeApi.Answer.json(200, rollout("paused", null, 1, 3)));
        Cli.Result paused = cli.run("rollout", "chart", "--max-failure-percent", "10", "--canary", "2", "--canary-after", "10m",
                                    "--wait", "--poll", "0.01");
        assertEquals(ExitCodes.ENDED_BADLY, paused.exit(), paused.toString());
        assertEquals("drover: rollout r-1 paused (failure budget spent: 3 failed); ./drover resume chart r-1 goes on\n", paused.err());
        assertTrue(api.requests.get(0).body().contains("\"failureBudget\":{\"percent\":10.0}"), api.requests.get(0).body());
        assertTrue(api.requests.get(0).body().contains("\"waves\":[{\"size\":2,\"after\":\"PT10M\"}]")
                   || api.requests.get(0).body().contains("\"waves\":[{\"after\":\"PT10M\",\"size\":2}]"), api.requests.get(0).body());

        api.on("GET", "/migrations/chart/rollouts/r-1", request -> FakeApi.Answer.json(200, rollout("aborted", null, 1, 0)));
        assertEquals(ExitCodes.ENDED_BADLY, cli.run("rollout", "chart", "--wait", "--poll", "0.01").exit());
    }

    @Test
    void rolloutsListShowAndSteer() {
        api.on("GET", "/migrations/chart/rollouts", request -> FakeApi.Answer.json(200, "{\"items\": [" + rollout("running", "promote", 2, 0) + "]}"));
        api.on("GET", "/migrations/chart/rollouts/r-1", request -> FakeApi.Answer.json(200, rollout("running", "promote", 2, 0)));
        api.on("POST", "/migrations/chart/rollouts/r-1/promote", request -> FakeApi.Answer.json(200, rollout("running", null, 2, 0)));
        api.on("POST", "/migrations/chart/rollouts/r-1/pause", request -> FakeApi.Answer.json(200, rollout("paused", null, 2, 0)));

        Cli.Result list = cli.run("rollouts", "chart");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().lines().skip(1).findFirst().orElseThrow()
                           .matches("r-1\\s+running\\s+wave 1 \\(2\\), waits for promote\\s+4\\s+2\\s+0\\s+2\\s+0\\s+ann\\s+.* ago"), list.out());
        Cli.Result one = cli.run("rollouts", "chart", "r-1");
        assertTrue(one.out().contains("concurrency      5") && one.out().contains("inputs           target=3.0.0"), one.out());

        Cli.Result promoted = cli.run("promote", "chart", "r-1");
        assertEquals(0, promoted.exit(), promoted.toString());
        assertTrue(promoted.out().startsWith("rollout r-1 running: 4 selected") || promoted.out().startsWith("rollout r-1 running, wave 1 (2): "),
                   promoted.out());
        assertTrue(cli.run("pause", "chart", "r-1").out().startsWith("rollout r-1 paused"));
        assertEquals(List.of("POST /migrations/chart/rollouts/r-1/promote", "POST /migrations/chart/rollouts/r-1/pause"),
                     api.requests.stream().filter(r -> r.method().equals("POST")).map(r -> r.method() + " " + r.pathAndQuery()).toList());

        Cli.Result unknown = cli.run("abort", "chart", "r-9");
        assertEquals(ExitCodes.NOT_FOUND, unknown.exit());
        assertEquals("drover: POST " + api.url() + "/migrations/chart/rollouts/r-9/abort: 404 route_not_found: no route /migrations/chart/rollouts/r-9/abort\n",
                     unknown.err());
    }

    private static String event(String type, String data) {
        return "event: " + type + "\ndata: " + data.replace("\n", "") + "\n\n";
    }

    private static String counts(int running, int failed, int completed) {
        return "{\"migrationId\": \"chart\", \"total\": 10, \"byStatus\": {\"not_started\": %d, \"running\": %d, \"failed\": %d, \"completed\": %d}}"
                .formatted(10 - running - failed - completed, running, failed, completed);
    }

    private void aStreamThatEnds(boolean withFailure) {
        api.on("GET", "/migrations/chart/rollouts", request -> FakeApi.Answer.json(200, "{\"items\": [" + rollout("running", null, 1, 0) + "]}"));
        api.stream("/migrations/chart/events", List.of(
                event("counts", counts(2, 0, 5)),
                ": keepalive\n\n",
                event("candidate", "{\"migrationId\": \"chart\", \"candidateId\": \"checkout\", \"status\": \"running\", \"run\": " + RUNNING + "}"),
                event("counts", counts(0, withFailure ? 1 : 0, withFailure ? 6 : 7)),
                event("rollout", rollout("completed", null, 7, withFailure ? 1 : 0)),
                event("counts", counts(0, withFailure ? 1 : 0, withFailure ? 6 : 7))));
    }

    @Test
    void watchPrintsPlainLinesAndStopsWhenNothingRuns() {
        aStreamThatEnds(false);
        Cli.Result result = cli.run("watch", "chart", "--until-done");
        assertEquals(0, result.exit(), result.toString());
        assertEquals(List.of(
                "chart: 5/10 completed, 2 running, 0 failed, 3 not started",
                "checkout running (step bump-chart pending: pull request open) https://git.example.com/platform/gitops/pull/42",
                "chart: 7/10 completed, 0 running, 0 failed, 3 not started",
                "rollout r-1 completed, wave 1 (2): 4 selected, 7 started, 0 running, 7 succeeded, 0 failed, 0 cancelled, 0 skipped"),
                     result.out().lines().toList(), "nothing ran once the counts said so, but the rollout still did until its event");
        FakeApi.Request stream = api.requests.stream().filter(r -> r.pathAndQuery().equals("/migrations/chart/events")).findFirst().orElseThrow();
        assertEquals("Bearer " + TOKEN, stream.authorization());
    }

    @Test
    void watchOnATerminalRedrawsOneLineAndExitsFiveWhenCandidatesFailed() {
        aStreamThatEnds(true);
        Cli.Result result = cli.on(new Terminal(true, 100, false)).run("watch", "chart", "--until-done");
        assertEquals(ExitCodes.ENDED_BADLY, result.exit(), result.toString());
        String out = result.out();
        assertTrue(out.startsWith("\r\u001b[2Kchart [" + "█".repeat(15) + "░".repeat(15) + "]  50% 5/10 completed · 2 running · 0 failed · 3 not started"),
                   out);
        assertTrue(out.contains("\r\u001b[2Kcheckout running (step bump-chart pending: pull request open)"), out);
        assertTrue(out.contains("\r\u001b[2Kchart [" + "█".repeat(18) + "█".repeat(3) + "░".repeat(9) + "]  60% 6/10 completed · 0 running · 1 failed"),
                   out);
        assertTrue(out.endsWith("\n") && out.chars().filter(c -> c == '\n').count() == 3, "one line redrawn, two events above it, and a final newline: " + out);
    }

    @Test
    void watchPrintsEachEventAsAJsonLineForScripts() throws Exception {
        aStreamThatEnds(false);
        Cli.Result result = cli.run("watch", "chart", "--until-done", "-o", "json");
        assertEquals(0, result.exit(), result.toString());
        List<String> lines = result.out().lines().toList();
        assertEquals(List.of("counts", "candidate", "counts", "rollout"),
                     lines.stream().map(l -> readJson(l).path("event").asText()).toList(), result.out());
        assertEquals(2, readJson(lines.get(0)).path("data").path("byStatus").path("running").asInt());
        assertEquals("pull request open", readJson(lines.get(1)).path("data").path("run").path("step").path("message").asText());
    }

    private static JsonNode readJson(String line) {
        try {
            return ApiClient.JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    @Test
    void aFailingApiExitsThreeWithItsCodeAndMessage() {
        api.on("GET", "/migrations", request -> FakeApi.Answer.json(503,
                "{\"error\": {\"code\": \"state_unavailable\", \"message\": \"Redis is unavailable; retry later\"}}"));
        Cli.Result result = cli.run("migrations");
        assertEquals(ExitCodes.UNAVAILABLE, result.exit(), result.toString());
        assertEquals("drover: GET " + api.url() + "/migrations: 503 state_unavailable: Redis is unavailable; retry later\n", result.err());

        api.on("GET", "/migrations", request -> new FakeApi.Answer(502, "text/html", "<html><body>Bad Gateway</body></html>"));
        Cli.Result proxy = cli.run("migrations");
        assertEquals(ExitCodes.UNAVAILABLE, proxy.exit());
        assertEquals("drover: GET " + api.url() + "/migrations: 502 <html><body>Bad Gateway</body></html>\n", proxy.err(),
                     "what a proxy answers instead of the API, as it came");
    }

    @Test
    void aTokenFileThatCannotBeReadIsAUsageError() {
        Cli.Result result = cli.run("migrations", "--token-file", home.resolve("nowhere").toString());
        assertEquals(ExitCodes.USAGE, result.exit());
        assertEquals("drover: cannot read the token file " + home.resolve("nowhere") + " (NoSuchFileException)\n", result.err());
        assertTrue(api.requests.isEmpty(), "nothing was sent");
    }

    @Test
    void watchNamesTheUrlWhenTheApiIsDown() {
        String down = api.url();
        api.close();
        Cli.Result result = cli.run("watch", "chart");
        assertEquals(ExitCodes.UNAVAILABLE, result.exit(), result.toString());
        assertTrue(result.err().startsWith("drover: cannot reach the API at " + down + " (GET " + down + "/migrations/chart/events: connection refused)"),
                   result.err());
    }

    @Test
    void durationsBecomeIso() {
        assertEquals("PT10M", RolloutCommand.isoDuration("10m"));
        assertEquals("PT1H30M", RolloutCommand.isoDuration("1h30m"));
        assertEquals("PT45S", RolloutCommand.isoDuration("PT45S"));
    }

    /** A step's changes that are no file are a line each under the step; a step with neither says it changes no file. */
    @Test
    void dryRunListsTheActionsOfEachStep() {
        api.on("POST", "/migrations/rotation/dry-run", request -> FakeApi.Answer.json(200, """
                {"migrationId": "rotation", "candidateId": "billing", "steps": [
                  {"step": "create-credential", "type": "create-credential", "message": "1 action(s)", "changes": [],
                   "actions": [{"target": "role billing_2", "action": "create", "detail": "member of billing"}]},
                  {"step": "publish-credential", "type": "publish-credential", "message": "1 action(s)", "changes": [],
                   "actions": [{"target": "Secret payments/billing-db", "action": "update"}]},
                  {"step": "await-adoption", "type": "await-adoption", "message": "changes no file", "changes": []}]}"""));
        Cli.Result result = cli.run("dry-run", "rotation", "billing");
        assertEquals(0, result.exit(), result.toString());
        assertEquals(List.of("step create-credential: 1 action(s)", "~ create role billing_2: member of billing", "",
                             "step publish-credential: 1 action(s)", "~ update Secret payments/billing-db", "",
                             "step await-adoption: changes no file (changes no file)", ""), result.out().lines().toList());
        Cli.Result coloured = cli.on(new Terminal(true, 100, true)).run("dry-run", "rotation", "billing");
        assertTrue(coloured.out().contains("~ \u001b[33mcreate\u001b[0m role billing_2"), coloured.out());
    }
}
