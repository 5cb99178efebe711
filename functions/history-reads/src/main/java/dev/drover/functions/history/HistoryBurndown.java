package dev.drover.functions.history;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.model.StoredMigration;
import dev.drover.core.state.MigrationStore;
import dev.drover.history.HistoryQueries;
import dev.drover.history.Metrics.CompletionPoint;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /history/burndown?migration=&bucket=hour|day&from=&to=}: completed runs per hour or day
 * (UTC), the running total, and how many candidates remain, from which an operator reads how fast a
 * migration is going. Defaults: daily over the last 30 days, hourly over the last 48 hours.
 */
public final class HistoryBurndown implements Function {
    static final int MAX_POINTS = 2000;

    /** One bucket; {@code remaining} is the candidates not completed at its end (today's candidate count minus the running total). */
    public record Point(Instant start, long completed, long cumulative, long remaining) {
    }

    /** The answer; {@code candidates} is how many candidates the migration (or all migrations) has now. */
    public record Body(String migrationId, String bucket, Instant from, Instant to, long candidates, List<Point> points) {
    }

    private final MigrationStore migrations;
    private final HistoryQueries history;
    private final Clock clock;

    public HistoryBurndown(MigrationStore migrations, HistoryQueries history, Clock clock) {
        this.migrations = migrations;
        this.history = history;
        this.clock = clock;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("history-burndown", Method.GET, "/history/burndown", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        HistoryParams params = HistoryParams.of(req, Set.of("migration", "bucket", "from", "to"));
        Optional<String> migration = params.migration(migrations);
        String bucketName = params.oneOf("bucket", List.of("hour", "day")).orElse("day");
        Duration bucket = bucketName.equals("hour") ? Duration.ofHours(1) : Duration.ofDays(1);
        Instant to = params.instant("to").orElse(clock.instant());
        Instant from = params.instant("from").orElse(to.minus(bucketName.equals("hour") ? Duration.ofHours(48) : Duration.ofDays(30)));
        if (!from.isBefore(to)) {
            throw HistoryParams.invalid("from (" + from + ") must be before to (" + to + ")");
        }
        // Counted as the history counts them: whole buckets, from the one holding `from` to the one holding `to`.
        long size = bucket.toMillis();
        long buckets = Math.floorDiv(to.toEpochMilli() + size - 1, size) - Math.floorDiv(from.toEpochMilli(), size);
        if (buckets > MAX_POINTS) {
            throw HistoryParams.invalid("from..to spans more than " + MAX_POINTS + " " + bucketName + "s; narrow it or use a larger bucket");
        }
        long candidates = migration.isPresent()
                ? migrations.find(migration.get()).map(m -> m.candidates().total()).orElse(0L)
                : migrations.list().stream().mapToLong((StoredMigration m) -> m.candidates().total()).sum();
        List<Point> points = HistoryDown.read(() -> history.completions(migration, bucket, from, to)).stream()
                .map((CompletionPoint p) -> new Point(p.start(), p.completed(), p.cumulative(), Math.max(0, candidates - p.cumulative())))
                .toList();
        Http.json(res, new Body(migration.orElse(null), bucketName, from, to, candidates, points));
    }
}
