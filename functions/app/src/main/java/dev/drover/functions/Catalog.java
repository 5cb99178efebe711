package dev.drover.functions;

import dev.drover.console.Console;
import dev.drover.console.signin.SignIn;
import dev.drover.console.api.ConsoleApi;
import dev.drover.core.function.Function;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.core.history.RedisOutbox;
import dev.drover.functions.dryrun.DryRunCandidate;
import dev.drover.functions.dryrun.MigratorClient;
import dev.drover.functions.historyreads.HistoryReadCatalog;
import dev.drover.functions.platform.PlatformKeys;
import dev.drover.functions.reads.ReadCatalog;
import dev.drover.functions.runs.RunCatalog;
import dev.drover.functions.writes.WriteCatalog;
import dev.drover.functions.registry.RegistryAnnounce;
import dev.drover.functions.runs.DeadLetters;
import dev.drover.functions.runs.StepRelay;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The list of every Drover function: the all-in-one server serves it, {@code FUNCTION=<name>} picks
 * one of it, and the Knative manifests are checked against it.
 */
public final class Catalog {
    private Catalog() {
    }

    /**
     * One function: its name, what of the platform it uses, and how it is built. A process serving one function builds
     * that one alone, so it neither opens nor even loads what the others need (its cold start, issue 16).
     */
    private record Entry(String name, PlatformUse use, boolean signingKey, java.util.function.Function<Platform, Function> make) {
    }

    private static Entry entry(String name, PlatformUse use, java.util.function.Function<Platform, Function> make) {
        return new Entry(name, use, false, make);
    }

    /**
     * A read function: built by {@link ReadCatalog} from the state store, which is all it uses; on Knative it runs from
     * the read functions' own image, {@code drover-reads} ({@link #image}).
     */
    private static Entry read(String name) {
        java.util.function.Function<dev.drover.core.state.RedisState, Function> make = ReadCatalog.read(name);
        return new Entry(name, PlatformUse.STATE, false, p -> make.apply(p.state()));
    }

    /**
     * A write function: built by {@link WriteCatalog} from the state store and the trusted proxies, which is all it uses;
     * on Knative it runs from the write functions' own image, {@code drover-writes} ({@link #image}).
     */
    private static Entry write(String name) {
        java.util.function.Function<WriteCatalog.Parts, Function> make = WriteCatalog.write(name);
        return new Entry(name, PlatformUse.STATE, false, p -> make.apply(new WriteCatalog.Parts(p.state(), p.trust().proxies())));
    }

    /**
     * A history function: built by {@link HistoryReadCatalog} from the state store and the history's queries, which is all
     * it uses; on Knative it runs from the history functions' own image, {@code drover-history-reads} ({@link #image}).
     */
    private static Entry history(String name) {
        java.util.function.Function<HistoryReadCatalog.Parts, Function> make = HistoryReadCatalog.read(name);
        return new Entry(name, PlatformUse.STATE_AND_HISTORY, false,
                         p -> make.apply(new HistoryReadCatalog.Parts(p.state().migrations(), p.history().queries())));
    }

    /**
     * A function that runs: built by {@link RunCatalog} from the state store, the run client, the trusted proxies and
     * (for {@code candidate-start}, which derives each run's callback token) the signing key; on Knative it runs from
     * the run functions' own image, {@code drover-runs} ({@link #image}).
     */
    private static Entry run(String name) {
        java.util.function.Function<RunCatalog.Parts, Function> make = RunCatalog.run(name);
        return new Entry(name, PlatformUse.STATE_AND_RUNS, name.equals(RunCatalog.SIGNER),
                         p -> make.apply(new RunCatalog.Parts(p.state(), p.runs(), p.trust().proxies(), () -> p.trust().callbackTokens())));
    }

    /** A function that holds the platform's signing key: it signs, derives callback tokens, or checks what was signed. */
    private static Entry signer(String name, PlatformUse use, java.util.function.Function<Platform, Function> make) {
        return new Entry(name, use, true, make);
    }

    /**
     * Every function, with what it uses of the platform: its process ({@code FUNCTION=<name>}) opens that and nothing
     * else. {@code StartOnlyWhatIsUsedTest} checks each declaration against what the function holds.
     */
    private static final List<Entry> ENTRIES = List.of(
            entry("registry-announce", PlatformUse.STATE, p -> new RegistryAnnounce(p.state().migrations(), p.state().candidates(),
                    p.state().announcements(), p.trust().tokens(), p.trust().migratorUrls(), recorder(p))),
            read("registry-announcements"),
            read("migrations-list"),
            read("migration-get"),
            write("migration-owner"),
            write("candidates-submit"),
            read("candidates-list"),
            read("candidate-get"),
            read("migration-events"),
            run("candidate-start"),
            run("candidate-cancel"),
            run("candidate-retry-step"),
            run("candidate-step-complete"),
            write("candidate-inputs"),
            read("candidate-steps"),
            run("step-callback"),
            signer("step-relay", PlatformUse.NONE, p -> new StepRelay(p.brokerUrl(), p.trust().signatures())),
            signer("dead-letters", PlatformUse.STATE_AND_RUNS, p -> new DeadLetters(p.state(), p.runs(), p.trust().signatures())),
            signer("migration-dry-run", PlatformUse.STATE, p -> new DryRunCandidate(p.state(),
                    new MigratorClient(Duration.ofSeconds(60), p.trust().keys()), p.trust().migratorUrls())),
            signer("platform-keys", PlatformUse.NONE, p -> new PlatformKeys(p.trust().keys())),
            history("history-totals"),
            history("history-burndown"),
            history("history-steps"),
            history("history-failures"),
            history("history-audit"),
            run("rollout-create"),
            read("rollouts-list"),
            read("rollout-get"),
            run("rollout-pause"),
            run("rollout-resume"),
            run("rollout-promote"),
            run("rollout-abort"),
            run("bulk-retry"),
            run("bulk-cancel"),
            // The console calls the API over HTTP with the person's token: no store of its own.
            signer("console", PlatformUse.NONE, p -> new Console(new ConsoleApi(p.apiUrl()),
                    new SignIn(p.signIn(), p.trust().tokens(), p.trust().keys()))));

    /** Functions record history into the Redis outbox (ADR 0008): never the database, which they neither need nor wait for. */
    private static HistoryRecorder recorder(Platform p) {
        return RedisOutbox.recorder(p.state().redis(), p.state().keys());
    }

    public static List<Function> all(Platform platform) {
        return ENTRIES.stream().map(e -> e.make().apply(platform)).toList();
    }

    /** The functions one process serves, built from {@code platform}: the one named alone, or all when none is named. */
    public static List<Function> build(Platform platform, Optional<String> name) {
        return build(platform, name.map(List::of).orElse(List.of()));
    }

    /** The functions one process serves, built from {@code platform}: those named, or all when none is named. */
    public static List<Function> build(Platform platform, List<String> names) {
        if (names.isEmpty()) {
            return all(platform);
        }
        List<Entry> entries = names.stream().map(Catalog::find).toList(); // every name is checked before any is built
        return entries.stream().map(e -> e.make().apply(platform)).toList();
    }

    private static Entry find(String name) {
        return ENTRIES.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "FUNCTION=" + name + " names no function; known: "
                        + String.join(", ", new java.util.TreeSet<>(ENTRIES.stream().map(Entry::name).toList()))));
    }

    /** Every function's name, in the catalog's order. */
    public static List<String> names() {
        return ENTRIES.stream().map(Entry::name).toList();
    }

    /** What the process serving {@code name} (or, with none named, every function) opens. */
    public static PlatformUse uses(Optional<String> name) {
        return uses(name.map(List::of).orElse(List.of()));
    }

    /** What the process serving {@code names} (or, with none named, every function) opens: what any of them uses. */
    public static PlatformUse uses(List<String> names) {
        return PlatformUse.of((names.isEmpty() ? ENTRIES : names.stream().map(Catalog::find).toList()).stream().map(Entry::use).toList());
    }

    /**
     * Whether the process serving {@code name} holds the platform's signing key (ADR 0007): the Knative manifests mount
     * the Secret {@code drover-signing} into these functions alone, so a function taken over that does not sign cannot
     * sign a step event either. {@code StartOnlyWhatIsUsedTest} checks each answer against what the function reads.
     */
    public static boolean usesSigningKey(String name) {
        return find(name).signingKey();
    }

    /**
     * The image a function runs from on Knative: the read functions' own ({@link ReadCatalog}), the write functions' own
     * ({@link WriteCatalog}), the history functions' own ({@link HistoryReadCatalog}), the run functions' own
     * ({@link RunCatalog}), the console's own ({@code ConsoleMain}), or that of every function.
     */
    public static String image(String name) {
        find(name); // an unknown name is refused, as everywhere in the catalog
        if (ReadCatalog.names().contains(name)) {
            return "drover-reads";
        }
        if (WriteCatalog.names().contains(name)) {
            return "drover-writes";
        }
        if (HistoryReadCatalog.names().contains(name)) {
            return "drover-history-reads";
        }
        if (RunCatalog.names().contains(name)) {
            return "drover-runs";
        }
        return name.equals("console") ? "drover-console" : "drover-functions";
    }

    /**
     * The JDK AOT cache a function starts with (docs/adr/0017-cold-start.md): a JDK 25 cache loads every class it holds
     * as the JVM starts, so each kind of function of {@code drover-functions} has its own, trained on that kind alone:
     * {@code drover.aot}, the image's default, on the functions that run (Temporal's client), {@code other.aot} on the
     * rest. A Knative Service whose function's cache is not the default names it ({@code _JAVA_OPTIONS=-XX:AOTCache=/app/<cache>});
     * the read, write, history and console images have one cache each, {@code drover.aot}.
     */
    public static String aotCache(String name) {
        return !image(name).equals("drover-functions") || find(name).use().runs() ? "drover.aot" : "other.aot";
    }

    /** Of functions already built, the one named, or all when none is named. */
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
