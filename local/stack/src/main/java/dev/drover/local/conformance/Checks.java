package dev.drover.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.event.Announcement;
import dev.drover.contract.signing.Signatures;
import dev.drover.local.conformance.KitServer.Callback;
import dev.drover.local.conformance.KitServer.Captured;
import dev.drover.local.conformance.StepDelivery.Mode;
import dev.drover.local.stack.LocalStack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The kit's checks, in order, against one migrator. Each returns what it saw when the migrator kept the contract,
 * throws {@link Violation} (what the contract asks, what was seen) when it did not, or {@link Skipped} when the check
 * does not apply. Later checks build on earlier ones (the migration announced, the candidate discovered, the run
 * started), which is why the kit stops at the first failure.
 */
final class Checks {
    /** The checks' names, numbered from 1 in this order. */
    static final List<String> NAMES = List.of("announcement", "discovery", "dry-run", "forged step events",
                                              "failed callback, retry-step", "run: steps, redelivery");

    private final ConformanceOptions options;
    private final LocalStack stack;
    private final KitServer kit;
    private final PlatformApi api;
    private final MigratorLauncher.Running migrator;
    private final URI migratorUrl;
    private final StepDelivery delivery;
    private final EventVariants variants;
    private final ContractSchemas schemas = new ContractSchemas();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private String migrationId;
    /** Where the migrator answers dry-runs, as it announced it; empty when it announced none. */
    private String dryRunBase = "";
    private String candidateId;
    private String runId;
    private Captured first;
    private Captured retried;

    Checks(ConformanceOptions options, LocalStack stack, KitServer kit, MigratorLauncher.Running migrator, URI migratorUrl) {
        this.options = options;
        this.stack = stack;
        this.kit = kit;
        this.api = new PlatformApi(stack);
        this.migrator = migrator;
        this.migratorUrl = migratorUrl;
        this.delivery = new StepDelivery(migratorUrl);
        this.variants = new EventVariants(stack.signingKeys(), options.app());
    }

    /** Runs the checks in order; after the first failure the rest are not run. */
    List<Check> run() {
        List<Check> results = new ArrayList<>();
        boolean failed = false;
        for (int i = 0; i < NAMES.size(); i++) {
            int number = i + 1;
            String name = NAMES.get(i);
            if (failed) {
                results.add(Check.notRun(number, name));
                continue;
            }
            options.progress().println("drover conformance: " + number + " " + name + " ...");
            Check result;
            try {
                result = Check.passed(number, name, check(number));
            } catch (Violation v) {
                result = Check.failed(number, name, v.expected(), v.seen());
            } catch (Skipped s) {
                result = Check.skipped(number, name, s.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = Check.failed(number, name, "the check to finish", "the kit was interrupted");
            } catch (RuntimeException e) {
                result = Check.failed(number, name, "the check to finish", "the kit's platform failed: " + e);
            }
            failed = result.outcome() == Check.Outcome.FAIL;
            options.progress().println("drover conformance: " + number + " " + name + ": " + result.outcome());
            results.add(result);
        }
        return results;
    }

    private String check(int number) throws Violation, Skipped, InterruptedException {
        return switch (number) {
            case 1 -> announcement();
            case 2 -> discovery();
            case 3 -> dryRun();
            case 4 -> forgedEvents();
            case 5 -> failedCallbackAndRetry();
            case 6 -> runToTheEnd();
            default -> throw new IllegalArgumentException("no check " + number);
        };
    }

    /** 1: the announcement comes through Dapr as a CloudEvent with the identity, valid data, and the platform accepts it. */
    private String announcement() throws Violation, InterruptedException {
        String expected = "a CloudEvent of type " + Announcement.TYPE + " on Dapr topic " + Announcement.TOPIC + " within "
                + seconds(options.announcePatience());
        long until = System.nanoTime() + options.announcePatience().toNanos();
        JsonNode event = null;
        while (event == null) {
            Optional<String> ended = migrator.ended();
            if (ended.isPresent()) {
                throw new Violation(expected, "the migrator stopped before announcing: " + ended.get());
            }
            long left = until - System.nanoTime();
            if (left <= 0) {
                throw new Violation(expected, "no announcement (was the migrator started with the environment the kit printed? "
                        + "It publishes through DAPR_HTTP_ENDPOINT or DAPR_GRPC_ENDPOINT with DAPR_API_TOKEN)");
            }
            event = kit.nextAnnouncement(Duration.ofNanos(Math.min(left, Duration.ofMillis(500).toNanos()))).orElse(null);
        }
        String type = event.path("type").asText();
        if (!Announcement.TYPE.equals(type)) {
            throw new Violation(expected + ", published as application/cloudevents+json", "type '" + type + "'"
                    + ("com.dapr.event.sent".equals(type) ? " (Dapr's own envelope: the migration was published as plain data, "
                    + "not as a CloudEvent, so it carries no droverauth)" : ""));
        }
        if (!event.path(Announcement.TOKEN_EXTENSION).isTextual() || event.path(Announcement.TOKEN_EXTENSION).asText().isBlank()) {
            throw new Violation("the migrator's identity token in the CloudEvent extension " + Announcement.TOKEN_EXTENSION,
                                "no " + Announcement.TOKEN_EXTENSION + " extension");
        }
        JsonNode data = event.path("data");
        if (data.isTextual()) {
            data = readJson(data.asText());
        }
        List<String> problems = schemas.problems(ContractSchemas.ANNOUNCEMENT, data.toString());
        if (!problems.isEmpty()) {
            throw new Violation("data valid against schemas/events/migration-announced.schema.json", String.join("; ", problems));
        }
        migrationId = data.path("id").asText();
        dryRunBase = data.path("migratorUrl").asText("");
        List<String> mine = new ArrayList<>();
        for (JsonNode step : data.path("steps")) {
            if (options.app().equals(step.path("migratorApp").asText()) && !"manual".equals(step.path("type").asText())) {
                mine.add(step.path("name").asText());
            }
        }
        if (mine.isEmpty()) {
            throw new Violation("at least one step of migration " + migrationId + " whose migratorApp is " + options.app(),
                                "steps " + data.path("steps"));
        }
        // One outcome per announcing app, the last; the kit's stack is fresh, so the app's is this announcement's.
        Predicate<JsonNode> ofApp = item -> options.app().equals(item.path("app").asText());
        PlatformApi.Answer outcome = api.await("/registry/announcements/" + migrationId, Duration.ofSeconds(20),
                                               j -> stream(j.path("items")).anyMatch(ofApp));
        JsonNode verdict = outcome.json().flatMap(j -> stream(j.path("items")).filter(ofApp).findFirst()).orElse(null);
        if (outcome.status() != 200 || verdict == null) {
            throw new Violation("the platform's outcome of the announcement at GET /registry/announcements/" + migrationId,
                                outcome.describe());
        }
        if (!"accepted".equals(verdict.path("outcome").asText())) {
            throw new Violation("the announcement accepted by the platform", "dropped, " + verdict.path("code").asText() + ": "
                    + verdict.path("reason").asText());
        }
        return "migration " + migrationId + " (" + data.path("steps").size() + " step(s), " + options.app() + "'s: "
                + String.join(", ", mine) + "), accepted";
    }

    /** 2: candidates are submitted after announcing, and again when the platform asks with a signed POST /discover. */
    private String discovery() throws Violation, InterruptedException {
        PlatformApi.Answer listed = api.await("/migrations/" + migrationId + "/candidates?limit=100", options.stepPatience(),
                                              j -> j.path("items").size() > 0);
        if (listed.status() != 200 || listed.json().map(j -> j.path("items").size()).orElse(0) == 0) {
            throw new Violation("candidates submitted (POST /migrations/" + migrationId + "/candidates) after the announcement, "
                                        + "within " + seconds(options.stepPatience()), "none: GET answered " + listed.describe());
        }
        List<String> ids = new ArrayList<>();
        String notStarted = null;
        for (JsonNode candidate : listed.json().orElseThrow().path("items")) {
            ids.add(candidate.path("id").asText());
            if (notStarted == null && "not_started".equals(candidate.path("status").asText())) {
                notStarted = candidate.path("id").asText();
            }
        }
        if (options.candidate().isPresent()) {
            candidateId = options.candidate().get();
            PlatformApi.Answer chosen = api.get("/migrations/" + migrationId + "/candidates/" + candidateId);
            if (chosen.status() != 200) {
                throw new Violation("candidate " + candidateId + " (--candidate) among those discovered", chosen.describe());
            }
        } else if (notStarted != null) {
            candidateId = notStarted;
        } else {
            throw new Violation("a candidate that has not started", "candidates " + ids);
        }
        // Settled first: a submission still on its way (a retry, a second batch) must not pass for the one /discover asks for.
        long before = settledSubmissions();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder discover = HttpRequest.newBuilder(Report.under(migratorUrl, "discover")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + Signatures.signRequest(stack.signingKeys(), options.app(), "POST", "/discover",
                                                                            body, Instant.now()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        StepDelivery.Answer answer = send(discover.build());
        if (!answer.accepted()) {
            throw new Violation("POST " + Report.under(migratorUrl, "discover") + ", signed by the platform, accepted with a 2xx",
                                answer.describe());
        }
        long until = System.nanoTime() + options.stepPatience().toNanos();
        long after = before;
        while (after <= before && System.nanoTime() < until) {
            Thread.sleep(200);
            after = api.submissions(migrationId);
        }
        if (after <= before) {
            throw new Violation("candidates submitted again after the platform's POST /discover, within " + seconds(options.stepPatience()),
                                "no new submission (" + before + " so far)");
        }
        return ids.size() + (ids.size() == 100 ? "+" : "") + " candidate(s) (" + Report.abbreviate(String.join(", ", ids), 60)
                + "), submitted after the announcement and again after a signed POST /discover (" + answer.status() + ")";
    }

    /** The history's count of the migration's submissions once it stays the same for the quiet period (bounded). */
    private long settledSubmissions() throws InterruptedException {
        long until = System.nanoTime() + options.stepPatience().toNanos();
        long last = api.submissions(migrationId);
        while (System.nanoTime() < until) {
            Thread.sleep(options.quiet().toMillis());
            long now = api.submissions(migrationId);
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /** 3: a dry-run through the platform answers the documented shape; skipped when the migrator announced no URL. */
    private String dryRun() throws Violation, Skipped, InterruptedException {
        PlatformApi.Answer answer = api.post("/migrations/" + migrationId + "/dry-run", Map.of("candidateId", candidateId));
        if (answer.status() == 409 && "dry_run_unavailable".equals(answer.code())) {
            throw new Skipped("the migration announced no migratorUrl: the migrator answers no dry-run");
        }
        String expected = "200 with a DryRunResult (schemas/openapi.yaml) for POST /migrations/" + migrationId
                + "/dry-run {\"candidateId\": \"" + candidateId + "\"}, which the platform forwards to <migratorUrl>/dry-run";
        if (answer.status() != 200) {
            throw new Violation(expected, answer.describe());
        }
        List<String> problems = schemas.problems(ContractSchemas.DRY_RUN_RESULT, answer.body());
        if (!problems.isEmpty()) {
            throw new Violation(expected, String.join("; ", problems));
        }
        JsonNode result = answer.json().orElseThrow();
        int changes = 0;
        for (JsonNode step : result.path("steps")) {
            changes += step.path("changes").size();
        }
        return "candidate " + candidateId + ": " + result.path("steps").size() + " step(s) previewed, " + changes + " file change(s)";
    }

    /** 4: a run starts; before its first step event reaches the migrator, forged copies of it must be refused, and none run. */
    private String forgedEvents() throws Violation, InterruptedException {
        PlatformApi.Answer started = api.post("/migrations/" + migrationId + "/candidates/" + candidateId + "/start", Map.of());
        if (started.status() != 202) {
            throw new IllegalStateException("the platform did not start " + candidateId + ": " + started.describe());
        }
        runId = started.json().orElseThrow().path("runId").asText();
        first = kit.takeStep(ofRun(), options.stepPatience()).orElseThrow(() -> new IllegalStateException(
                "the platform dispatched no step event to " + options.app() + " for run " + runId
                        + " (is the migration's first step " + options.app() + "'s?)"));
        List<String> answers = new ArrayList<>();
        String expected = "every forged step event refused with a 4xx (401 when the signature does not verify), and not executed";
        Mode mode = Mode.STRUCTURED;
        for (EventVariants.Forged forged : variants.forged(first)) {
            StepDelivery.Answer answer = delivery.send(forged.event(), mode);
            if (!answer.refused()) {
                throw new Violation(expected, "'" + forged.name() + "' (" + forged.why() + ", " + mode.word() + " mode) answered "
                        + answer.describe());
            }
            mode = mode.other();
            answers.add(forged.name() + " " + answer.status());
        }
        HttpRequest unsigned = HttpRequest.newBuilder(Report.under(migratorUrl, "discover")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        StepDelivery.Answer discover = send(unsigned);
        if (!discover.refused()) {
            throw new Violation("POST /discover without the platform's signature refused with a 4xx (401)", discover.describe());
        }
        String dryRun = "";
        if (!dryRunBase.isBlank()) {
            // A dry-run reads the candidate's files: the migrator checks the platform's signature before anything else.
            HttpRequest unsignedDryRun = HttpRequest.newBuilder(Report.under(URI.create(dryRunBase), "dry-run"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"migrationId\": \"" + migrationId + "\"}")).build();
            StepDelivery.Answer answer = send(unsignedDryRun);
            if (!answer.refused()) {
                throw new Violation("POST <migratorUrl>/dry-run without the platform's signature refused with a 4xx (401)",
                                    answer.describe());
            }
            dryRun = ", an unsigned POST /dry-run " + answer.status();
        }
        Thread.sleep(options.quiet().toMillis());
        List<Callback> executed = kit.callbacks(c -> c.runId().equals(runId));
        if (!executed.isEmpty()) {
            throw new Violation("no forged event executed", "a callback for step " + executed.getFirst().stepName() + " (dispatch "
                    + executed.getFirst().dispatch() + "): " + executed.getFirst().describe());
        }
        return String.join(", ", answers) + " (structured and binary in turn); an unsigned POST /discover " + discover.status()
                + dryRun + "; none executed";
    }

    /**
     * 5: the platform-signed first step event, with a step type the migrator does not handle, is answered with a
     * {@code failed} callback; then the operator's retry-step dispatches the step again.
     */
    private String failedCallbackAndRetry() throws Violation, InterruptedException {
        StepDelivery.Answer answer = delivery.send(variants.unknownType(first), Mode.BINARY);
        String expected = "a failed callback for step " + first.step() + " (dispatch " + first.dispatch() + ") whose type "
                + EventVariants.UNKNOWN_TYPE + " the migrator does not handle";
        if (!answer.accepted()) {
            throw new Violation("the platform's signed step event (type " + EventVariants.UNKNOWN_TYPE
                                        + ", binary mode) acknowledged with a 2xx, then answered with a failed callback", answer.describe());
        }
        Callback callback = kit.awaitCallback(c -> c.runId().equals(runId) && c.ends(), options.stepPatience())
                .orElseThrow(() -> new Violation(expected, "no final callback within " + seconds(options.stepPatience())
                        + pendingNote() + " (a migrator that remembers an event id before checking its signature drops the real event "
                        + "after a forged one with that id)"));
        requireWellFormed(callback);
        if (!"failed".equals(callback.status())) {
            throw new Violation(expected, "a callback with status " + callback.describe());
        }
        api.await("/migrations/" + migrationId + "/candidates/" + candidateId, Duration.ofSeconds(20),
                  j -> "failed".equals(j.path("status").asText()));
        PlatformApi.Answer retry = api.post("/migrations/" + migrationId + "/candidates/" + candidateId + "/retry-step", Map.of());
        if (retry.status() != 202) {
            throw new IllegalStateException("retry-step was refused: " + retry.describe());
        }
        retried = kit.takeStep(ofRun().and(c -> c.step().equals(first.step()) && c.dispatch() == first.dispatch() + 1),
                               options.stepPatience())
                .orElseThrow(() -> new IllegalStateException("the platform dispatched no retry of step " + first.step()));
        return "type " + EventVariants.UNKNOWN_TYPE + " answered " + callback.describe() + "; retry-step dispatched "
                + first.step() + " again (dispatch " + retried.dispatch() + ")";
    }

    /**
     * 6: the retried step and every later step of the app go to the migrator, in structured then binary mode alternately,
     * each answered with callbacks; the first one is delivered twice, and must not run twice.
     */
    private String runToTheEnd() throws Violation, InterruptedException {
        List<String> seen = new ArrayList<>();
        Captured current = retried;
        Mode mode = Mode.STRUCTURED;
        String redelivery = null;
        String end;
        while (true) {
            Captured step = current;
            Mode sent = mode;
            StepDelivery.Answer answer = delivery.send(step.event(), sent);
            if (!answer.accepted()) {
                throw new Violation("step event " + current.event().getId() + " acknowledged with a 2xx in " + mode.word() + " mode",
                                    answer.describe());
            }
            Predicate<Callback> thisDispatch = dispatchOf(current);
            Callback callback = kit.awaitCallback(thisDispatch, options.stepPatience()).orElseThrow(() -> new Violation(
                    "a callback for step " + step.step() + " (dispatch " + step.dispatch() + ") after its " + sent.word()
                            + "-mode event", "none within " + seconds(options.stepPatience())));
            if (!callback.ends()) {
                // Progress first is fine: wait a moment for the end, else the step stays pending and the walk stops there.
                callback = kit.awaitCallback(thisDispatch.and(Callback::ends), options.quiet()).orElse(callback);
            }
            for (Callback each : kit.callbacks(thisDispatch)) {
                requireWellFormed(each);
            }
            List<String> statuses = kit.callbacks(thisDispatch).stream().map(Callback::status).toList();
            seen.add(current.step() + " (dispatch " + current.dispatch() + ", " + mode.word() + "): " + String.join(" → ", statuses));
            if (redelivery == null) {
                redelivery = redeliver(current, mode.other());
            }
            if (!callback.ends()) {
                end = current.step() + " stayed pending: the run stops there";
                break;
            }
            if ("failed".equals(callback.status())) {
                end = current.step() + " answered failed (" + Report.abbreviate(callback.message(), 100) + "): the run stops there";
                break;
            }
            Optional<Captured> next = nextStepOrEnd();
            if (next.isEmpty()) {
                end = runStatus().equals("completed") ? "run completed"
                                                      : "no further step event for " + options.app() + " (the next step is someone else's)";
                break;
            }
            current = next.get();
            mode = mode.other();
        }
        return String.join("; ", seen) + "; " + redelivery + "; " + end;
    }

    /** Sends {@code event} again: it must be acknowledged, and must not add a callback. */
    private String redeliver(Captured event, Mode mode) throws Violation, InterruptedException {
        int before = kit.callbacks(dispatchOf(event)).size();
        StepDelivery.Answer again = delivery.send(event.event(), mode);
        if (!again.accepted()) {
            throw new Violation("a redelivery of step event " + event.event().getId() + " (" + mode.word()
                                        + " mode) acknowledged with a 2xx", again.describe());
        }
        Thread.sleep(options.quiet().toMillis());
        List<Callback> after = kit.callbacks(dispatchOf(event));
        if (after.size() > before) {
            throw new Violation("a redelivered step event acknowledged and not executed again (Drover delivers at least once)",
                                "another callback for step " + event.step() + " (dispatch " + event.dispatch() + ") after the redelivery: "
                                        + after.getLast().describe());
        }
        return "redelivery of " + event.step() + " (" + mode.word() + ") answered " + again.status() + ", not executed again";
    }

    /** The run's next step event for the app, or empty once the run completed or nothing more comes. */
    private Optional<Captured> nextStepOrEnd() throws InterruptedException {
        long until = System.nanoTime() + options.stepPatience().toNanos();
        while (System.nanoTime() < until) {
            Optional<Captured> next = kit.takeStep(ofRun(), Duration.ofMillis(300));
            if (next.isPresent()) {
                return next;
            }
            if (!runStatus().equals("running")) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private String runStatus() throws InterruptedException {
        return api.get("/migrations/" + migrationId + "/candidates/" + candidateId + "/steps").json()
                .map(j -> j.path("runStatus").asText("")).orElse("");
    }

    /** A callback must be a Callback naming the event's step and dispatch, and one the platform applies. */
    private void requireWellFormed(Callback callback) throws Violation {
        List<String> problems = schemas.problems(ContractSchemas.CALLBACK, callback.body());
        if (!problems.isEmpty()) {
            throw new Violation("a callback body valid as Callback (schemas/openapi.yaml)", String.join("; ", problems));
        }
        if (callback.answer() != 200) {
            throw new Violation("a callback the platform takes (200)", "the platform answered " + callback.answer() + " "
                    + Report.abbreviate(callback.answerBody(), 200) + " to " + Report.abbreviate(callback.body(), 200));
        }
    }

    private String pendingNote() {
        List<Callback> pending = kit.callbacks(c -> c.runId().equals(runId));
        return pending.isEmpty() ? "" : " (only " + pending.stream().map(Callback::describe).toList() + ")";
    }

    private Predicate<Captured> ofRun() {
        String run = runId;
        return c -> c.runId().equals(run);
    }

    private Predicate<Callback> dispatchOf(Captured event) {
        String run = runId;
        return c -> c.runId().equals(run) && event.step().equals(c.stepName()) && c.dispatch() == event.dispatch();
    }

    private StepDelivery.Answer send(HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new StepDelivery.Answer(answer.statusCode(), answer.body());
        } catch (IOException e) {
            return new StepDelivery.Answer(0, "no answer: " + e);
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return dev.drover.contract.json.Json.mapper().readTree(text);
        } catch (IOException e) {
            return dev.drover.contract.json.Json.mapper().getNodeFactory().textNode(text);
        }
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
