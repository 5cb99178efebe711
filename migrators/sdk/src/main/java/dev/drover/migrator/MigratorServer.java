package dev.drover.migrator;

import dev.drover.contract.ErrorBody;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.InvalidInput;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * A migrator's HTTP server: its {@code POST} routes, {@code /observe/health} (open: probes carry no credential) and
 * {@code /observe/metrics} (bearer {@code DROVER_METRICS_TOKEN}; closed without it), and every refusal, Helidon's own
 * included, in the contract's error shape ({@code {"error": {"code", "message"}}}) with a stable code; never a page,
 * never a bare 500.
 */
final class MigratorServer {
    private static final System.Logger LOGGER = System.getLogger(MigratorServer.class.getName());
    /** Step events and dry-run requests are small; a larger body is refused before it is read. */
    static final long MAX_BODY_BYTES = 10L * 1024 * 1024;

    private MigratorServer() {
    }

    /** @param routes {@code POST} routes by path; {@code services} are the migrator author's own (e.g. a webhook) */
    static WebServer start(String host, int port, Map<String, Handler> routes, Iterable<HttpService> services,
                           Optional<String> metricsToken) {
        DirectHandlers.Builder direct = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            direct.addHandler(type, (request, eventType, status, headers, message) -> {
                headers.set(HeaderNames.CONTENT_TYPE, "application/json");
                return DirectHandler.TransportResponse.builder().status(status).headers(headers)
                        .entity(Json.bytes(ErrorBody.of(ErrorBody.codeFor(status.code()), message == null || message.isBlank()
                                ? status.reasonPhrase() : message)))
                        .keepAlive(eventType.keepAlive())
                        .build();
            });
        }
        return WebServer.builder().host(host).port(port)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .maxPayloadSize(MAX_BODY_BYTES)
                .directHandlers(direct.build())
                .featuresDiscoverServices(false)
                .addFeature(ObserveFeature.builder()
                                    .weight(200) // matched before the catch-all below
                                    .addObserver(HealthObserver.builder().details(false).useSystemServices(false).build())
                                    .addObserver(MetricsObserver.create())
                                    .build())
                .routing(routing -> routing(routing, routes, services, metricsToken.filter(t -> !t.isBlank()).map(MigratorServer::sha256)))
                .build()
                .start();
    }

    private static void routing(HttpRouting.Builder routing, Map<String, Handler> routes, Iterable<HttpService> services,
                                Optional<byte[]> metricsDigest) {
        routing.addFilter((chain, req, res) -> {
            // The decoded, normalized path, as routing matches it: /observe/./metrics is the same resource.
            if (req.path().path().startsWith("/observe/metrics")) {
                if (metricsDigest.isEmpty()) {
                    throw Refusal.unauthenticated("missing_credential",
                            "this migrator's metrics are closed: set DROVER_METRICS_TOKEN and send it as the bearer token");
                }
                // Digests of equal length compared in constant time: neither the token's bytes nor its length leak.
                if (!MessageDigest.isEqual(sha256(Requests.bearerToken(req)), metricsDigest.get())) {
                    throw Refusal.unauthenticated("invalid_credential", "the bearer token is not this migrator's DROVER_METRICS_TOKEN");
                }
            }
            chain.proceed();
        });
        routes.forEach(routing::post);
        services.forEach(routing::register);
        routing.any((req, res) -> {
            if (routes.containsKey(req.path().path())) {
                res.header(HeaderNames.ALLOW, "POST");
                error(res, Status.METHOD_NOT_ALLOWED_405, "method_not_allowed",
                      req.prologue().method().text() + " is not allowed on " + req.path().path() + "; allowed: POST");
            } else {
                error(res, Status.NOT_FOUND_404, "route_not_found", "no route " + req.prologue().method().text() + " "
                        + req.path().rawPath());
            }
        });
        routing.error(Refusal.class, (req, res, e) -> {
            if (e.status() == Status.UNAUTHORIZED_401) {
                // RFC 6750: a bearer-protected resource names its scheme.
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"drover-migrator\"");
            }
            error(res, e.status(), e.code(), e.getMessage());
        });
        routing.error(InvalidInput.class, (req, res, e) -> error(res, Status.BAD_REQUEST_400, e.code(), e.getMessage()));
        routing.error(HttpException.class, (req, res, e) -> {
            if (e.status().code() >= 500) {
                LOGGER.log(Level.ERROR, "Helidon failed a request", e);
                error(res, Status.INTERNAL_SERVER_ERROR_500, "internal", "unexpected failure; see the migrator's log");
            } else {
                error(res, e.status(), ErrorBody.codeFor(e.status().code()), e.status().reasonPhrase()
                        + (e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage()));
            }
        });
        routing.error(RuntimeException.class, (req, res, e) -> {
            LOGGER.log(Level.ERROR, "unexpected failure", e);
            error(res, Status.INTERNAL_SERVER_ERROR_500, "internal", "unexpected failure; see the migrator's log");
        });
    }

    private static void error(ServerResponse res, Status status, String code, String message) {
        Answers.error(res, status, code, message);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
