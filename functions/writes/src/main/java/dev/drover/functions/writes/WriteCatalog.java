package dev.drover.functions.writes;

import dev.drover.core.function.Function;
import dev.drover.core.function.ImageFunctions;
import dev.drover.core.history.RedisOutbox;
import dev.drover.core.state.RedisState;
import dev.drover.functions.candidates.SubmitCandidates;
import dev.drover.functions.history.Actors;
import dev.drover.functions.migrations.TransferOwner;
import dev.drover.functions.runs.EditInputs;
import dev.drover.functions.trust.TrustedProxies;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The write functions: REST functions that change the state store and use nothing else of the platform (no Temporal,
 * no history database, no signing key; what they record goes to the Redis outbox). As {@code ReadCatalog} does for the
 * reads, they are built here, in a module on the read functions' class path plus Guava, so that their image,
 * {@code drover-writes}, starts as fast (issue 16, ADR 0017). The image of every function serves them too
 * ({@code Catalog} builds them from here).
 */
public final class WriteCatalog {
    private WriteCatalog() {
    }

    /** What a write function is built from: the state store, and the proxies whose {@code X-Forwarded-For} the audit log believes. */
    public record Parts(RedisState state, TrustedProxies proxies) {
        Actors actors() {
            return new Actors(proxies);
        }
    }

    private static final ImageFunctions<Parts> WRITES = new ImageFunctions<>("write", writes());

    private static Map<String, java.util.function.Function<Parts, Function>> writes() {
        Map<String, java.util.function.Function<Parts, Function>> writes = new LinkedHashMap<>();
        writes.put("migration-owner", p -> new TransferOwner(p.state().migrations(), p.actors()));
        writes.put("candidates-submit", p -> new SubmitCandidates(p.state().migrations(), p.state().candidates(),
                                                                 RedisOutbox.recorder(p.state().redis(), p.state().keys()), p.actors()));
        writes.put("candidate-inputs", p -> new EditInputs(p.state(), p.actors()));
        return writes;
    }

    /** Every write function's name, in the order they are served. */
    public static List<String> names() {
        return WRITES.names();
    }

    /** How the write function {@code name} is built. */
    public static java.util.function.Function<Parts, Function> write(String name) {
        return WRITES.make(name);
    }

    /** The write functions one process serves: the one named, or all when none is named. */
    public static List<Function> build(Parts parts, Optional<String> name) {
        return WRITES.build(parts, name);
    }
}
