package dev.drover.core.function;

import dev.drover.core.auth.Access;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.auth.Principals;
import dev.drover.core.event.DaprStatus;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.http.RequestLog;
import dev.drover.core.model.InvalidInput;
import dev.drover.core.state.MigrationNotFound;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The routing every function process shares: its functions' routes, Dapr's subscription list, the
 * request log, and one mapping from failures to JSON errors (never an HTML page, never a bare 500).
 */
public final class FunctionRouting {
    private static final System.Logger LOGGER = System.getLogger(FunctionRouting.class.getName());

    private FunctionRouting() {
    }

    /**
     * A subscription answers in the bus's terms, whatever went wrong: an event that can never be
     * processed is dropped (a 400 would make Dapr redeliver it forever), a lost Redis connection asks
     * for redelivery. Both buses read 200 DROP and 503 RETRY the same way.
     */
    private static Handler subscription(Function function) {
        String topic = function.spec().topic().orElseThrow();
        return (req, res) -> {
            try {
                function.handle(req, res);
            } catch (InvalidInput e) {
                LOGGER.log(Level.WARNING, "dropping an event on " + topic + " that can never be processed: " + e.getMessage());
                DaprStatus.DROP.send(res, Status.OK_200);
            } catch (JedisConnectionException e) {
                LOGGER.log(Level.WARNING, "Redis is unavailable; asking for redelivery on " + topic + ": " + e.getMessage());
                DaprStatus.RETRY.send(res, Status.SERVICE_UNAVAILABLE_503);
            } catch (ApiException e) {
                boolean transientFault = e.status().code() >= 500;
                LOGGER.log(Level.WARNING, (transientFault ? "asking for redelivery on " : "dropping an event on ") + topic + ": "
                        + e.getMessage());
                if (transientFault) {
                    DaprStatus.RETRY.send(res, Status.SERVICE_UNAVAILABLE_503);
                } else {
                    DaprStatus.DROP.send(res, Status.OK_200);
                }
            }
        };
    }

    /** The route proves its caller before the function sees the request; the function reads who with {@link Principals}. */
    private static Handler guarded(Authenticator auth, Access access, Handler handler) {
        return (req, res) -> {
            Principals.set(req, auth.authenticate(req, access));
            handler.handle(req, res);
        };
    }

    /**
     * @param extraServices routes of their own that authenticate their callers themselves (a code host's webhook
     *                      checks its signature)
     */
    public static void configure(HttpRouting.Builder routing, List<Function> functions, String pubsub,
                                 List<HttpService> extraServices, Authenticator auth) {
        routing.addFilter(new RequestLog());
        // Metrics say how busy the platform is: for people and tools with a credential, like every other route.
        // Health stays open: probes carry no credential, and it answers a status only.
        routing.addFilter((chain, req, res) -> {
            // The decoded, normalized path, as routing matches it: /observe/./metrics is the same resource.
            if (req.path().path().startsWith("/observe/metrics")) {
                Principals.set(req, auth.authenticate(req, Access.AUTHENTICATED));
            }
            chain.proceed();
        });
        for (Function function : functions) {
            FunctionSpec spec = function.spec();
            routing.route(spec.method(), spec.path(),
                          guarded(auth, spec.access(), spec.kind() == FunctionKind.SUBSCRIPTION ? subscription(function) : function));
        }
        DaprSubscriptions subscriptions = new DaprSubscriptions(pubsub, functions);
        routing.get("/dapr/subscribe", guarded(auth, Access.SIDECAR, subscriptions::handle));
        extraServices.forEach(routing::register);
        routing.any((req, res) -> Http.error(res, Status.NOT_FOUND_404, "route_not_found",
                                             "no route " + req.prologue().method().text() + " " + req.path().rawPath()));

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
        routing.error(JedisConnectionException.class, (req, res, e) -> {
            LOGGER.log(Level.WARNING, "Redis is unavailable: " + e.getMessage());
            Http.error(res, Status.SERVICE_UNAVAILABLE_503, "state_unavailable",
                       "the state store (Redis) is unavailable; retry later");
        });
        routing.error(RuntimeException.class, (req, res, e) -> {
            LOGGER.log(Level.ERROR, "unexpected failure", e);
            Http.error(res, Status.INTERNAL_SERVER_ERROR_500, "internal", "unexpected failure; see the server log");
        });
    }
}
