package dev.drover.functions;

import java.util.Collection;

/**
 * What of the platform a function uses, so that its process opens that and nothing else: Redis (the state store),
 * Temporal (the run client), the history database (its queries; what functions record goes to the Redis outbox).
 * {@link Catalog#uses} declares it for each function; a test checks the declarations against what the functions hold.
 */
public record PlatformUse(boolean redis, boolean runs, boolean history) {
    public static final PlatformUse NONE = new PlatformUse(false, false, false);
    public static final PlatformUse STATE = new PlatformUse(true, false, false);
    public static final PlatformUse STATE_AND_RUNS = new PlatformUse(true, true, false);
    public static final PlatformUse STATE_AND_HISTORY = new PlatformUse(true, false, true);
    public static final PlatformUse ALL = new PlatformUse(true, true, true);

    public PlatformUse and(PlatformUse other) {
        return new PlatformUse(redis || other.redis, runs || other.runs, history || other.history);
    }

    public static PlatformUse of(Collection<PlatformUse> uses) {
        return uses.stream().reduce(NONE, PlatformUse::and);
    }
}
