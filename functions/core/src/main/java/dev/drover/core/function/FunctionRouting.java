package dev.drover.core.function;

import dev.drover.core.auth.Access;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.auth.Principals;
import dev.drover.core.event.DaprStatus;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.HeaderSizeLimit;
import dev.drover.core.http.Http;
import dev.drover.core.http.RequestLog;
import dev.drover.contract.model.InvalidInput;
import dev.drover.core.state.MigrationNotFound;
import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerResponse;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;

/**
 * The routing every function process shares: its functions' routes, Dapr's subscription list, the
 * request log, and one mapping from failures to JSON errors (never an HTML page, never a bare 500).
 */
public final class FunctionRouting {
    private static final System.Logger LOGGER = System.getLogger(FunctionRouting.class.getName());

    private static final List<MediaType> METRICS_TYPES = List.of(MediaTypes.TEXT_PLAIN, MediaTypes.create("application/openmetrics-text"),
                                                                 MediaTypes.APPLICATION_JSON);

    private FunctionRouting() {
    }

    /**
     * A subscription answers in the bus's terms, whatever went wrong: an event that can never be
     * processed is dropped, with the reason (a 400 would make Dapr redeliver it forever); a transient
     * fault (Redis down or loading, Temporal or the keys unreachable) asks for redelivery. Both buses
     * read 200 DROP and 503 RETRY the same way.
     */
    private static Handler subscription(Function function) {
        String topic = function.spec().topic().orElseThrow();
        return (req, res) -> {
            try {
                function.handle(req, res);
            } catch (InvalidInput e) {
                drop(res, topic, e.getMessage());
            } catch (HttpException e) {
                // Helidon's own refusals of the request (a Content-Type that does not parse, ...)
                drop(res, topic, e.getMessage());
            } catch (JedisConnectionException e) {
                retry(res, topic, "the state store (Redis) is unavailable: " + e.getMessage());
            } catch (JedisDataException e) {
                if (!TransientRedis.is(e)) {
                    throw e;
                }
                retry(res, topic, "the state store (Redis) is not ready: " + e.getMessage());
            } catch (ApiException e) {
                if (e.status().code() >= 500) {
                    retry(res, topic, e.code() + ": " + e.getMessage());
                } else {
                    drop(res, topic, e.code() + ": " + e.getMessage());
                }
            }
        };
    }

    private static void drop(ServerResponse res, String topic, String reason) {
        LOGGER.log(Level.WARNING, "dropping an event on " + topic + " that can never be processed: " + reason);
        DaprStatus.DROP.send(res, Status.OK_200, reason);
    }

    private static void retry(ServerResponse res, String topic, String reason) {
        LOGGER.log(Level.WARNING, "asking for redelivery on " + topic + ": " + reason);
        DaprStatus.RETRY.send(res, Status.SERVICE_UNAVAILABLE_503, reason);
    }

    /** Whether Accept admits a metrics format; a type with q=0 is refused (RFC 9110 12.4.2), which isAccepted misses. */
    private static boolean acceptsMetrics(ServerRequestHeaders headers) {
        if (!headers.contains(HeaderNames.ACCEPT)) {
            return true;
        }
        return headers.acceptedTypes().stream()
                .filter(type -> type.qualityFactor() > 0)
                .anyMatch(type -> METRICS_TYPES.stream().anyMatch(type::test));
    }

    /** The route proves its caller before the function sees the request; the function reads who with {@link Principals}. */
    private static Handler guarded(Authenticator auth, Access access, Handler handler) {
        return (req, res) -> {
            Principals.set(req, auth.authenticate(req, access));
            handler.handle(req, res);
        };
    }

    /** As above, and a refused caller may be answered in the function's own terms (a sign-in page for a browser). */
    private static Handler guarded(Authenticator auth, Function function, Handler handler) {
        // Read once: a function's spec() builds its spec anew on each call (2% of a kept read's CPU, ADR 0018).
        Access access = function.spec().access();
        return (req, res) -> {
            try {
                Principals.set(req, auth.authenticate(req, access));
            } catch (ApiException refusal) {
                if (function.answerRefusal(req, res, refusal)) {
                    return;
                }
                throw refusal;
            }
            handler.handle(req, res);
        };
    }

    /**
     * @param extraServices routes of their own that authenticate their callers themselves (a code host's webhook
     *                      checks its signature)
     * @param logReads      whether reads that succeeded are logged at INFO too ({@link RequestLog})
     */
    public static void configure(HttpRouting.Builder routing, List<Function> functions, String pubsub,
                                 List<HttpService> extraServices, Authenticator auth, boolean metrics, boolean logReads) {
        routing.addFilter(new RequestLog(logReads));
        routing.addFilter(new HeaderSizeLimit());
        // Metrics say how busy the platform is: for people and tools with a credential, like every other route.
        // Health stays open: probes carry no credential, and it answers a status only.
        routing.addFilter((chain, req, res) -> {
            // The decoded, normalized path, as routing matches it: /observe/./metrics is the same resource.
            if (req.path().path().startsWith("/observe/metrics")) {
                Principals.set(req, auth.authenticate(req, Access.AUTHENTICATED));
                if (!metrics) {
                    Http.error(res, Status.NOT_FOUND_404, "metrics_off", "this process serves no metrics (DROVER_METRICS=off, "
                            + "the default where it serves no subscription and scales to zero; Knative's queue-proxy "
                            + "reports its requests)");
                    return;
                }
                // Helidon's metrics observer answers other methods itself, and an Accept it cannot serve with an
                // empty 406: both are answered here, in Drover's shape.
                if (req.prologue().method() != Method.GET) {
                    res.header(HeaderNames.ALLOW, "GET");
                    Http.error(res, Status.METHOD_NOT_ALLOWED_405, "method_not_allowed", "only GET is allowed on /observe/metrics");
                    return;
                }
                if (!acceptsMetrics(req.headers())) {
                    Http.error(res, Status.NOT_ACCEPTABLE_406, "not_acceptable", "metrics are served as "
                            + String.join(", ", METRICS_TYPES.stream().map(MediaType::text).toList()));
                    return;
                }
            }
            chain.proceed();
        });
        // Pages under a prefix go last: Helidon takes the first route that matches, and an exact or templated route
        // beneath the prefix (a sign-in callback) wins over the prefix, as Gateway API ranks its matches.
        List<Function> ordered = java.util.stream.Stream.concat(
                functions.stream().filter(f -> f.spec().kind() != FunctionKind.PAGES),
                functions.stream().filter(f -> f.spec().kind() == FunctionKind.PAGES)).toList();
        for (Function function : ordered) {
            FunctionSpec spec = function.spec();
            for (Method method : spec.methods()) {
                routing.route(method, spec.path(),
                              guarded(auth, function, spec.kind() == FunctionKind.SUBSCRIPTION ? subscription(function) : function));
            }
        }
        DaprSubscriptions subscriptions = new DaprSubscriptions(pubsub, functions);
        routing.get("/dapr/subscribe", guarded(auth, Access.SIDECAR, subscriptions::handle));
        extraServices.forEach(routing::register);
        Routes routes = new Routes(functions);
        routing.any((req, res) -> {
            Set<Method> allowed = routes.methods(req.prologue().uriPath());
            if (allowed.isEmpty()) {
                Http.error(res, Status.NOT_FOUND_404, "route_not_found",
                           "no route " + req.prologue().method().text() + " " + req.path().rawPath());
                return;
            }
            String allow = String.join(", ", allowed.stream().map(Method::text).sorted().toList());
            res.header(HeaderNames.ALLOW, allow);
            Http.error(res, Status.METHOD_NOT_ALLOWED_405, "method_not_allowed",
                       req.prologue().method().text() + " is not allowed on " + req.path().rawPath() + "; allowed: " + allow);
        });

        routing.error(ApiException.class, (req, res, e) -> {
            if (e.status() == Status.UNAUTHORIZED_401) {
                // RFC 6750: a bearer-protected resource names its scheme; a token that was sent and refused says so.
                res.header(HeaderNames.WWW_AUTHENTICATE, e.code().equals("missing_credential")
                        ? "Bearer realm=\"drover\"" : "Bearer realm=\"drover\", error=\"invalid_token\"");
            }
            Http.error(res, e.status(), e.code(), e.getMessage());
        });
        routing.error(InvalidInput.class, (req, res, e) -> Http.error(res, Status.BAD_REQUEST_400, e.code(), e.getMessage()));
        routing.error(MigrationNotFound.class,
                      (req, res, e) -> Http.error(res, Status.NOT_FOUND_404, "migration_not_found", e.getMessage()));
        // Helidon's own refusals (a Content-Type or query that does not parse, a health check that does not exist)
        routing.error(HttpException.class, (req, res, e) -> {
            if (e.status().code() >= 500) {
                LOGGER.log(Level.ERROR, "Helidon failed a request", e);
                Http.error(res, Status.INTERNAL_SERVER_ERROR_500, "internal", "unexpected failure; see the server log");
            } else {
                String message = e.getMessage() == null || e.getMessage().isBlank() ? e.status().reasonPhrase()
                        : e.status().reasonPhrase() + ": " + e.getMessage();
                Http.error(res, e.status(), Http.codeFor(e.status()), message);
            }
        });
        routing.error(JedisConnectionException.class, (req, res, e) -> {
            LOGGER.log(Level.WARNING, "Redis is unavailable: " + e.getMessage());
            Http.error(res, Status.SERVICE_UNAVAILABLE_503, "state_unavailable",
                       "the state store (Redis) is unavailable; retry later");
        });
        routing.error(JedisDataException.class, (req, res, e) -> {
            if (!TransientRedis.is(e)) {
                LOGGER.log(Level.ERROR, "Redis refused a command", e);
                Http.error(res, Status.INTERNAL_SERVER_ERROR_500, "internal", "unexpected failure; see the server log");
                return;
            }
            LOGGER.log(Level.WARNING, "Redis is not ready: " + e.getMessage());
            Http.error(res, Status.SERVICE_UNAVAILABLE_503, "state_unavailable",
                       "the state store (Redis) is not ready (" + e.getMessage() + "); retry later");
        });
        routing.error(RuntimeException.class, (req, res, e) -> {
            LOGGER.log(Level.ERROR, "unexpected failure", e);
            Http.error(res, Status.INTERNAL_SERVER_ERROR_500, "internal", "unexpected failure; see the server log");
        });
    }
}
