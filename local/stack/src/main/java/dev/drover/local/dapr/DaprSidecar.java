package dev.drover.local.dapr;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The local stack's Dapr sidecar: the pub/sub part of the sidecar API that Drover's apps use, over the
 * same wire protocols, with topics kept in Redis Streams. One stand-in serves every app of the local
 * stack (a real sidecar serves one).
 * <ul>
 *     <li>gRPC {@code dapr.proto.runtime.v1.Dapr/PublishEvent}, what {@code DaprClient.publishEvent} calls;</li>
 *     <li>HTTP {@code POST /v1.0/publish/{pubsub}/{topic}}, {@code GET /v1.0/healthz} and
 *     {@code /v1.0/healthz/outbound} (what {@code DaprClient.waitForSidecar} polls);</li>
 *     <li>the metadata API, HTTP {@code GET /v1.0/metadata} and gRPC {@code GetMetadata}, which SDKs read before
 *     they publish;</li>
 *     <li>delivery to each app's programmatic subscriptions ({@code GET /dapr/subscribe}) as structured
 *     CloudEvents, with Dapr's SUCCESS / RETRY / DROP answers, redelivery and dead letters;</li>
 *     <li>daprd's API tokens: {@code dapr-api-token} required on both APIs when an API token is configured,
 *     and sent to the apps when an app token is.</li>
 * </ul>
 */
public final class DaprSidecar implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(DaprSidecar.class.getName());

    private final Server grpc;
    private final ExecutorService grpcExecutor;
    private final WebServer web;
    private final Subscribers subscribers;
    private final HttpClient http;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DaprSidecar(Server grpc, ExecutorService grpcExecutor, WebServer web, Subscribers subscribers, HttpClient http) {
        this.grpc = grpc;
        this.grpcExecutor = grpcExecutor;
        this.web = web;
        this.subscribers = subscribers;
        this.http = http;
    }

    /** Binds both APIs, then starts serving the configured apps. */
    public static DaprSidecar start(DaprSidecarConfig config) {
        DaprKeys keys = new DaprKeys(config.keyPrefix());
        Clock clock = Clock.systemUTC();
        Publisher publisher = new Publisher(config.redis(), keys, config.pubsubNames(), config.source(), clock);
        // HTTP/1.1 as Dapr's app channel speaks it; no redirects: an app's route answers for itself.
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        ApiToken apiToken = new ApiToken(config.apiToken());
        // The subscriptions exist once the APIs are bound and the apps are read; until then the metadata lists none.
        AtomicReference<Subscribers> serving = new AtomicReference<>();
        SidecarMetadata metadata = new SidecarMetadata(config.source(), config.pubsubNames(),
                                                       () -> serving.get() == null ? List.of() : serving.get().current());
        ExecutorService grpcExecutor = Executors.newVirtualThreadPerTaskExecutor();
        Server grpc;
        try {
            grpc = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.grpcPort()))
                    .executor(grpcExecutor)
                    .intercept(new TraceInterceptor())
                    .intercept(new ApiTokenInterceptor(apiToken))
                    .addService(new PublishGrpc(publisher, metadata))
                    .build()
                    .start();
        } catch (IOException e) {
            grpcExecutor.shutdownNow();
            throw new UncheckedIOException("cannot bind the Dapr gRPC API to " + config.host() + ":" + config.grpcPort(), e);
        }
        WebServer web;
        try {
            web = WebServer.builder()
                    .host(config.host())
                    .port(config.httpPort())
                    .featuresDiscoverServices(false)
                    .routing(routing -> routing.addFilter(new ApiTokenFilter(apiToken)).register(new PublishHttp(publisher, metadata)))
                    .build()
                    .start();
        } catch (RuntimeException e) {
            grpc.shutdownNow();
            grpcExecutor.shutdownNow();
            throw e;
        }
        Subscribers subscribers = new Subscribers(config, keys, http, clock);
        serving.set(subscribers);
        DaprSidecar sidecar = new DaprSidecar(grpc, grpcExecutor, web, subscribers, http);
        config.apps().forEach(subscribers::add);
        LOGGER.log(Level.INFO, "Dapr sidecar stand-in: gRPC on %s:%d, HTTP on %s:%d, pub/sub %s, topics under %sdapr:, %s, %s"
                .formatted(config.host(), sidecar.grpcPort(), config.host(), sidecar.httpPort(), config.pubsubNames(),
                           config.keyPrefix(), apiToken.required() ? "API token required" : "no API token",
                           config.appApiToken().isPresent() ? "app token sent" : "no app token"));
        return sidecar;
    }

    /** The bound gRPC port (what {@code DAPR_GRPC_PORT} should say). */
    public int grpcPort() {
        return grpc.getPort();
    }

    /** The bound HTTP port (what {@code DAPR_HTTP_PORT} should say). */
    public int httpPort() {
        return web.port();
    }

    /** Serves another app, or moves an app to a new URL; its subscriptions are read right away. */
    public void addApp(DaprApp app) {
        subscribers.add(app);
    }

    /**
     * Reads every app's {@code /dapr/subscribe} now instead of at the next refresh; an app that does not
     * answer keeps its current subscriptions.
     *
     * @return the subscriptions being served afterwards
     */
    public List<AppSubscription> refreshSubscriptions() {
        return subscribers.refresh();
    }

    /** The subscriptions being served. */
    public List<AppSubscription> subscriptions() {
        return subscribers.current();
    }

    /** Stops accepting publications, then stops delivering; what was not acknowledged stays in Redis. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        web.stop();
        grpc.shutdown();
        try {
            if (!grpc.awaitTermination(2, TimeUnit.SECONDS)) {
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        }
        grpcExecutor.shutdownNow();
        subscribers.close();
        http.close();
    }
}
