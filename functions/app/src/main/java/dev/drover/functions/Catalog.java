package dev.drover.functions;

import dev.drover.console.Console;
import dev.drover.console.signin.SignIn;
import dev.drover.console.api.ConsoleApi;
import dev.drover.core.function.Function;
import dev.drover.core.state.RedisState;
import dev.drover.history.HistoryQueries;
import dev.drover.history.HistoryRecorder;
import dev.drover.workflows.outbox.RedisOutbox;
import dev.drover.functions.candidates.GetCandidate;
import dev.drover.functions.candidates.ListCandidates;
import dev.drover.functions.candidates.SubmitCandidates;
import dev.drover.functions.dryrun.DryRunCandidate;
import dev.drover.functions.dryrun.MigratorClient;
import dev.drover.functions.events.EventHub;
import dev.drover.functions.events.MigrationEvents;
import dev.drover.functions.history.Actors;
import dev.drover.functions.history.HistoryAudit;
import dev.drover.functions.history.HistoryBurndown;
import dev.drover.functions.history.HistoryFailures;
import dev.drover.functions.history.HistorySteps;
import dev.drover.functions.history.HistoryTotals;
import dev.drover.functions.migrations.GetMigration;
import dev.drover.functions.migrations.ListMigrations;
import dev.drover.functions.migrations.TransferOwner;
import dev.drover.functions.platform.PlatformKeys;
import dev.drover.functions.registry.GetAnnouncementOutcomes;
import dev.drover.functions.registry.RegistryAnnounce;
import dev.drover.functions.runs.CancelCandidate;
import dev.drover.functions.runs.CompleteStep;
import dev.drover.functions.runs.DeadLetters;
import dev.drover.functions.runs.EditInputs;
import dev.drover.functions.runs.GetSteps;
import dev.drover.functions.runs.RetryStep;
import dev.drover.functions.runs.StartCandidate;
import dev.drover.functions.runs.StepCallbackFunction;
import dev.drover.functions.runs.StepRelay;
import dev.drover.functions.rollouts.BulkAction;
import dev.drover.functions.rollouts.CreateRollout;
import dev.drover.functions.rollouts.GetRollout;
import dev.drover.functions.rollouts.ListRollouts;
import dev.drover.functions.rollouts.RolloutAction;
import dev.drover.workflows.RunStarter;
import dev.drover.workflows.StepDeadlines;
import dev.drover.functions.trust.Trust;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The list of every Drover function: the all-in-one server serves it, {@code FUNCTION=<name>} picks
 * one of it, and the Knative manifests are checked against it.
 */
public final class Catalog {
    private Catalog() {
    }

    public static List<Function> all(Platform platform) {
        RedisState state = platform.state();
        // Functions record history into the Redis outbox (ADR 0008): never the database, which they neither need nor wait for.
        HistoryRecorder recorder = new HistoryRecorder(new RedisOutbox(state.redis(), state.keys()));
        HistoryQueries history = platform.history().queries();
        Trust trust = platform.trust();
        Actors actors = new Actors(trust.proxies());
        return List.of(new RegistryAnnounce(state.migrations(), state.candidates(), state.announcements(), trust.tokens(), trust.migratorUrls(), recorder),
                       new GetAnnouncementOutcomes(state.announcements()),
                       new ListMigrations(state.migrations()),
                       new GetMigration(state.migrations()),
                       new TransferOwner(state.migrations(), actors),
                       new SubmitCandidates(state.migrations(), state.candidates(), recorder, actors),
                       new ListCandidates(state.migrations(), state.candidates()),
                       new GetCandidate(state.migrations(), state.candidates()),
                       new MigrationEvents(state.migrations(), new EventHub(state)),
                       new StartCandidate(state, new RunStarter(state, platform.runs(), recorder, trust.callbackTokens(),
                                                                StepDeadlines.fromEnvironment(System.getenv())), actors),
                       new CancelCandidate(state, platform.runs(), recorder, actors),
                       new RetryStep(state, platform.runs(), recorder, actors),
                       new CompleteStep(state, platform.runs(), recorder, actors),
                       new EditInputs(state, actors),
                       new GetSteps(state),
                       new StepCallbackFunction(state, platform.runs()),
                       new StepRelay(platform.brokerUrl(), trust.signatures()),
                       new DeadLetters(state, platform.runs(), trust.signatures()),
                       new DryRunCandidate(state, new MigratorClient(Duration.ofSeconds(60), trust.keys()), trust.migratorUrls()),
                       new PlatformKeys(trust.keys()),
                       new HistoryTotals(state.migrations(), history),
                       new HistoryBurndown(state.migrations(), history, Clock.systemUTC()),
                       new HistorySteps(state.migrations(), history),
                       new HistoryFailures(state.migrations(), history),
                       new HistoryAudit(state.migrations(), history),
                       new CreateRollout(state, platform.runs(), recorder, actors),
                       new ListRollouts(state),
                       new GetRollout(state),
                       new RolloutAction("pause", state, platform.runs(), recorder, actors),
                       new RolloutAction("resume", state, platform.runs(), recorder, actors),
                       new RolloutAction("promote", state, platform.runs(), recorder, actors),
                       new RolloutAction("abort", state, platform.runs(), recorder, actors),
                       new BulkAction("retry", state, platform.runs(), recorder, actors),
                       new BulkAction("cancel", state, platform.runs(), recorder, actors),
                       new Console(new ConsoleApi(platform.apiUrl()), new SignIn(platform.signIn(), trust.tokens(), trust.keys())));
    }

    /**
     * What each function uses of the platform: its process ({@code FUNCTION=<name>}) opens that and nothing else.
     * Declared here, beside the list; {@code StartOnlyWhatIsUsedTest} checks it against what each function holds.
     */
    private static final Map<String, PlatformUse> USES = Map.ofEntries(
            Map.entry("registry-announce", PlatformUse.STATE),
            Map.entry("registry-announcements", PlatformUse.STATE),
            Map.entry("migrations-list", PlatformUse.STATE),
            Map.entry("migration-get", PlatformUse.STATE),
            Map.entry("migration-owner", PlatformUse.STATE),
            Map.entry("candidates-submit", PlatformUse.STATE),
            Map.entry("candidates-list", PlatformUse.STATE),
            Map.entry("candidate-get", PlatformUse.STATE),
            Map.entry("migration-events", PlatformUse.STATE),
            Map.entry("candidate-start", PlatformUse.STATE_AND_RUNS),
            Map.entry("candidate-cancel", PlatformUse.STATE_AND_RUNS),
            Map.entry("candidate-retry-step", PlatformUse.STATE_AND_RUNS),
            Map.entry("candidate-step-complete", PlatformUse.STATE_AND_RUNS),
            Map.entry("candidate-inputs", PlatformUse.STATE),
            Map.entry("candidate-steps", PlatformUse.STATE),
            Map.entry("step-callback", PlatformUse.STATE_AND_RUNS),
            Map.entry("step-relay", PlatformUse.NONE),
            Map.entry("dead-letters", PlatformUse.STATE_AND_RUNS),
            Map.entry("migration-dry-run", PlatformUse.STATE),
            Map.entry("platform-keys", PlatformUse.NONE),
            Map.entry("history-totals", PlatformUse.STATE_AND_HISTORY),
            Map.entry("history-burndown", PlatformUse.STATE_AND_HISTORY),
            Map.entry("history-steps", PlatformUse.STATE_AND_HISTORY),
            Map.entry("history-failures", PlatformUse.STATE_AND_HISTORY),
            Map.entry("history-audit", PlatformUse.STATE_AND_HISTORY),
            Map.entry("rollout-create", PlatformUse.STATE_AND_RUNS),
            Map.entry("rollouts-list", PlatformUse.STATE),
            Map.entry("rollout-get", PlatformUse.STATE),
            Map.entry("rollout-pause", PlatformUse.STATE_AND_RUNS),
            Map.entry("rollout-resume", PlatformUse.STATE_AND_RUNS),
            Map.entry("rollout-promote", PlatformUse.STATE_AND_RUNS),
            Map.entry("rollout-abort", PlatformUse.STATE_AND_RUNS),
            Map.entry("bulk-retry", PlatformUse.STATE_AND_RUNS),
            Map.entry("bulk-cancel", PlatformUse.STATE_AND_RUNS),
            // The console calls the API over HTTP with the person's token: no store of its own.
            Map.entry("console", PlatformUse.NONE));

    /** What the process serving {@code name} (or, with none named, every function) opens. */
    public static PlatformUse uses(Optional<String> name) {
        if (name.isEmpty()) {
            return PlatformUse.of(USES.values());
        }
        return Optional.ofNullable(USES.get(name.get())).orElseThrow(() -> new IllegalArgumentException(
                "FUNCTION=" + name.get() + " names no function; known: " + String.join(", ", new java.util.TreeSet<>(USES.keySet()))));
    }

    /** The functions one process serves: the one named, or all when none is named. */
    public static List<Function> select(List<Function> all, Optional<String> name) {
        if (name.isEmpty()) {
            return all;
        }
        return all.stream()
                .filter(f -> f.spec().name().equals(name.get()))
                .findFirst()
                .map(List::of)
                .orElseThrow(() -> new IllegalArgumentException(
                        "FUNCTION=" + name.get() + " names no function; known: "
                                + String.join(", ", all.stream().map(f -> f.spec().name()).toList())));
    }
}
