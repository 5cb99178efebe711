package dev.drover.functions.history;

import dev.drover.core.http.ApiException;
import dev.drover.contract.model.Check;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.MigrationStore;
import io.helidon.webserver.http.ServerRequest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The query parameters of the history functions, checked: an unknown, repeated or malformed one is a
 * 400 {@code invalid_query} naming it (an unissued cursor is {@code invalid_cursor}); a migration that
 * was never announced is a 404, as everywhere else.
 */
final class HistoryParams {
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final ServerRequest req;

    private HistoryParams(ServerRequest req) {
        this.req = req;
    }

    /** Refuses parameters other than {@code allowed}, and any given twice. */
    static HistoryParams of(ServerRequest req, Set<String> allowed) {
        for (String name : req.query().names()) {
            if (!allowed.contains(name)) {
                throw invalid("unknown query parameter '" + name + "'; expected " + String.join(", ", allowed.stream().sorted().toList()));
            }
            if (req.query().all(name).size() > 1) {
                throw invalid("give " + name + " once");
            }
        }
        return new HistoryParams(req);
    }

    Optional<String> text(String name) {
        return req.query().first(name).asOptional();
    }

    /** {@code migration}: a slug naming an announced migration; absent means every migration. */
    Optional<String> migration(MigrationStore migrations) {
        Optional<String> id = slug("migration");
        id.ifPresent(m -> {
            if (!migrations.exists(m)) {
                throw new MigrationNotFound(m);
            }
        });
        return id;
    }

    Optional<String> slug(String name) {
        return text(name).map(value -> {
            if (value.length() > Check.SLUG_MAX || !Check.SLUG.matcher(value).matches()) {
                throw invalid(name + " '" + value + "' is not a slug (lower-case letters, digits and inner '-', '.', '_'; at most "
                                      + Check.SLUG_MAX + " characters)");
            }
            return value;
        });
    }

    int limit(int fallback, int max) {
        Optional<String> value = text("limit");
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(value.get());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw invalid("limit must be a whole number from 1 to " + max + ", got '" + value.get() + "'");
    }

    Optional<Instant> instant(String name) {
        return text(name).map(value -> {
            Instant instant;
            try {
                instant = Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw invalid(name + " must be an ISO-8601 instant such as 2026-03-01T00:00:00Z, got '" + value + "'");
            }
            // Instant reaches a billion years; dates, SQL timestamps and week arithmetic overflow long before.
            if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                throw invalid(name + " must be between " + EARLIEST + " and " + LATEST + ", got '" + value + "'");
            }
            return instant;
        });
    }

    Optional<String> oneOf(String name, List<String> values) {
        return text(name).map(value -> {
            if (!values.contains(value)) {
                throw invalid(name + " '" + value + "' is not one of " + String.join(", ", values));
            }
            return value;
        });
    }

    static ApiException invalid(String message) {
        return ApiException.badRequest("invalid_query", message);
    }
}
