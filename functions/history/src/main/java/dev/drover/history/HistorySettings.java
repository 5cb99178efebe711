package dev.drover.history;

import java.util.Map;
import java.util.Optional;

/**
 * Where the history lives ({@code HISTORY_DB_URL}, {@code HISTORY_DB_USER}, {@code HISTORY_DB_PASSWORD},
 * {@code HISTORY_DB_POOL_SIZE}). PostgreSQL in production; the default is an in-memory H2 database in
 * PostgreSQL mode, which only the one process that opened it can see (fine for the local stack, which
 * runs everything in one process; a deployment sets a PostgreSQL URL so functions and worker share it).
 */
public record HistorySettings(String url, Optional<String> user, Optional<String> password, int poolSize) {
    /** H2 options that make it behave like PostgreSQL for Drover's statements. */
    public static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    public static final String DEFAULT_URL = "jdbc:h2:mem:drover-history" + H2_OPTIONS + ";DB_CLOSE_DELAY=-1";

    public HistorySettings {
        if (url == null || !url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("HISTORY_DB_URL=" + url + " is not a JDBC URL (jdbc:postgresql://... or jdbc:h2:...)");
        }
    }

    public static HistorySettings fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, DEFAULT_URL);
    }

    /** @param defaultUrl the URL when {@code HISTORY_DB_URL} is unset (the local stack keeps its own) */
    public static HistorySettings fromEnvironment(Map<String, String> env, String defaultUrl) {
        String poolSize = env.getOrDefault("HISTORY_DB_POOL_SIZE", "8");
        int size;
        try {
            size = Integer.parseInt(poolSize.trim());
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 1 || size > 200) {
            throw new IllegalArgumentException("HISTORY_DB_POOL_SIZE=" + poolSize + " is not a whole number from 1 to 200");
        }
        return new HistorySettings(nonBlank(env.get("HISTORY_DB_URL")).orElse(defaultUrl),
                                   nonBlank(env.get("HISTORY_DB_USER")), nonBlank(env.get("HISTORY_DB_PASSWORD")), size);
    }

    /** A private in-memory H2 database (tests, benchmarks). */
    public static HistorySettings inMemory(String name) {
        return new HistorySettings("jdbc:h2:mem:" + name + H2_OPTIONS + ";DB_CLOSE_DELAY=-1", Optional.empty(), Optional.empty(), 8);
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }
}
