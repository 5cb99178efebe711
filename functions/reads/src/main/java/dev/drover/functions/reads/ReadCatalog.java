package dev.drover.functions.reads;

import dev.drover.core.function.Function;
import dev.drover.core.function.ImageFunctions;
import dev.drover.core.state.RedisState;
import dev.drover.functions.candidates.GetCandidate;
import dev.drover.functions.candidates.ListCandidates;
import dev.drover.functions.events.EventHub;
import dev.drover.functions.events.MigrationEvents;
import dev.drover.functions.migrations.GetMigration;
import dev.drover.functions.migrations.ListMigrations;
import dev.drover.functions.registry.GetAnnouncementOutcomes;
import dev.drover.functions.rollouts.GetRollout;
import dev.drover.functions.rollouts.ListRollouts;
import dev.drover.functions.runs.GetSteps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read functions: those that read the state store and use nothing else of the platform (no Temporal, no history,
 * no signing key). They are built here, in a module that depends on the state store, the contract and Helidon alone,
 * so their image's class path is what Maven derives from that, not the whole platform's (issue 16, ADR 0017): every
 * jar on a class path is opened by the lookups a start makes. The image of every function serves them too
 * ({@code Catalog} builds them from here).
 */
public final class ReadCatalog {
    private ReadCatalog() {
    }

    private static final ImageFunctions<RedisState> READS = new ImageFunctions<>("read", reads());

    private static Map<String, java.util.function.Function<RedisState, Function>> reads() {
        Map<String, java.util.function.Function<RedisState, Function>> reads = new LinkedHashMap<>();
        reads.put("registry-announcements", state -> new GetAnnouncementOutcomes(state.announcements()));
        reads.put("migrations-list", state -> new ListMigrations(state.migrations()));
        reads.put("migration-get", state -> new GetMigration(state.migrations(), state.reads()));
        reads.put("candidates-list", state -> new ListCandidates(state.migrations(), state.candidates(), state.reads()));
        reads.put("candidate-get", state -> new GetCandidate(state.migrations(), state.candidates()));
        reads.put("migration-events", state -> new MigrationEvents(state.migrations(), new EventHub(state)));
        reads.put("candidate-steps", GetSteps::new);
        reads.put("rollouts-list", ListRollouts::new);
        reads.put("rollout-get", GetRollout::new);
        return reads;
    }

    /** Every read function's name, in the order they are served. */
    public static List<String> names() {
        return READS.names();
    }

    /** How the read function {@code name} is built from the state store. */
    public static java.util.function.Function<RedisState, Function> read(String name) {
        return READS.make(name);
    }

    /** The read functions one process serves: the one named, or all when none is named. */
    public static List<Function> build(RedisState state, Optional<String> name) {
        return READS.build(state, name);
    }
}
