package dev.drover.functions.historyreads;

import dev.drover.core.function.Function;
import dev.drover.core.function.ImageFunctions;
import dev.drover.core.state.MigrationStore;
import dev.drover.functions.history.HistoryAudit;
import dev.drover.functions.history.HistoryBurndown;
import dev.drover.functions.history.HistoryFailures;
import dev.drover.functions.history.HistorySteps;
import dev.drover.functions.history.HistoryTotals;
import dev.drover.history.HistoryQueries;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The history functions: the metrics and the audit log, read from the history database, with the state store for the
 * migration they are asked about. As {@code ReadCatalog} does for the reads, they are built here, in a module whose
 * class path is the state store, the history's queries over PostgreSQL and Helidon, so that their image,
 * {@code drover-history-reads}, opens no Temporal, signing or console jars at start (issue 16, ADR 0017). The image of
 * every function serves them too ({@code Catalog} builds them from here).
 */
public final class HistoryReadCatalog {
    private HistoryReadCatalog() {
    }

    /** What a history function is built from: the migrations it checks the request against, and the history's queries. */
    public record Parts(MigrationStore migrations, HistoryQueries queries) {
    }

    private static final ImageFunctions<Parts> READS = new ImageFunctions<>("history", reads());

    private static Map<String, java.util.function.Function<Parts, Function>> reads() {
        Map<String, java.util.function.Function<Parts, Function>> reads = new LinkedHashMap<>();
        reads.put("history-totals", p -> new HistoryTotals(p.migrations(), p.queries()));
        reads.put("history-burndown", p -> new HistoryBurndown(p.migrations(), p.queries(), Clock.systemUTC()));
        reads.put("history-steps", p -> new HistorySteps(p.migrations(), p.queries()));
        reads.put("history-failures", p -> new HistoryFailures(p.migrations(), p.queries()));
        reads.put("history-audit", p -> new HistoryAudit(p.migrations(), p.queries()));
        return reads;
    }

    /** Every history function's name, in the order they are served. */
    public static List<String> names() {
        return READS.names();
    }

    /** How the history function {@code name} is built. */
    public static java.util.function.Function<Parts, Function> read(String name) {
        return READS.make(name);
    }

    /** The history functions one process serves: the one named, or all when none is named. */
    public static List<Function> build(Parts parts, Optional<String> name) {
        return READS.build(parts, name);
    }
}
