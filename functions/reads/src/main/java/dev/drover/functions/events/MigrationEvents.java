package dev.drover.functions.events;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.MigrationStore;
import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * {@code GET /migrations/{id}/events}: Server-Sent Events of one migration, for the console and {@code drover watch}.
 * {@code counts} first, then {@code candidate} for every change of a candidate's status, run or step, {@code counts}
 * again after changes (at most ~4 a second), {@code rollout} as rollouts publish them, and a {@code : keepalive}
 * comment every 15 s so proxies keep the connection and a gone client is noticed. The stream ends when the client
 * goes, when it falls too far behind, or at the platform's request timeout (Knative's): a client reconnects (an
 * EventSource does it by itself) and reads the list again, since events in between are not replayed.
 */
public final class MigrationEvents implements Function {
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final SseEvent KEEPALIVE_COMMENT = SseEvent.builder().comment(" keepalive").build();
    private static final MediaType EVENT_STREAM = MediaTypes.TEXT_EVENT_STREAM;

    private final MigrationStore migrations;
    private final EventHub hub;

    public MigrationEvents(MigrationStore migrations, EventHub hub) {
        this.migrations = migrations;
        this.hub = hub;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("migration-events", Method.GET, "/migrations/{id}/events", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String migrationId = Http.slugParam(req, "id");
        if (!req.query().names().isEmpty()) {
            throw ApiException.badRequest("invalid_query", "the events of a migration take no query parameters");
        }
        if (!acceptsEventStream(req.headers())) {
            throw new ApiException(Status.NOT_ACCEPTABLE_406, "not_acceptable", "events are served as " + EVENT_STREAM.text());
        }
        if (!migrations.exists(migrationId)) {
            throw new MigrationNotFound(migrationId);
        }
        try (EventStream stream = hub.open(migrationId)) {
            // Read after the subscription listens: every change after these counts comes as an event.
            SseEvent counts = hub.counts(stream).orElseThrow(() -> new MigrationNotFound(migrationId));
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            // Tells nginx-style proxies not to buffer the stream.
            res.header(HeaderNames.create("X-Accel-Buffering"), "no");
            try (SseSink sink = res.sink(SseSink.TYPE)) {
                sink.emit(counts);
                while (!stream.overflowed()) {
                    SseEvent event = stream.next(KEEPALIVE);
                    sink.emit(event == null ? KEEPALIVE_COMMENT : event);
                }
            } catch (UncheckedIOException | CloseConnectionException e) {
                // The client went away: nothing to answer.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether Accept admits event streams (no Accept admits anything); a type with q=0 is refused (RFC 9110 12.4.2). */
    private static boolean acceptsEventStream(ServerRequestHeaders headers) {
        if (!headers.contains(HeaderNames.ACCEPT)) {
            return true;
        }
        return headers.acceptedTypes().stream()
                .filter(type -> type.qualityFactor() > 0)
                .anyMatch(type -> type.test(EVENT_STREAM));
    }
}
