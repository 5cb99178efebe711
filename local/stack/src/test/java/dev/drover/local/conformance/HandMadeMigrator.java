package dev.drover.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.drover.contract.signing.ProofRefused;
import dev.drover.contract.json.Json;
import dev.drover.contract.signing.SignatureVerifier;
import dev.drover.contract.signing.Signatures;
import dev.drover.migrator.TokenSource;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A migrator written against the contract by hand, without the SDK, as one in another language would be: it reads only
 * the environment the kit gives it. Migration {@code hand-made}, one step {@code touch} of type {@code touch}, candidates
 * {@code alpha} and {@code beta}, no dry-run URL. A {@link Behaviour} makes it break one rule of the contract, or not.
 */
final class HandMadeMigrator implements AutoCloseable {
    enum Behaviour {
        /** Keeps the contract. */
        KEEPS_CONTRACT,
        /** Keeps the contract; its step reports progress only, as one waiting for a merge does. */
        STAYS_PENDING,
        /** Executes step events without checking the platform's signature. */
        ACCEPTS_UNSIGNED,
        /** Executes every delivery of a step event, redeliveries too. */
        EXECUTES_REDELIVERIES,
        /** Never calls back. */
        SILENT
    }

    static final String MIGRATION = "hand-made";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String app;
    private final Behaviour behaviour;
    private final Map<String, String> env;
    private final TokenSource tokens;
    private final SignatureVerifier verifier;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final HttpServer server;

    private HandMadeMigrator(String app, Behaviour behaviour, Map<String, String> env) throws IOException {
        this.app = app;
        this.behaviour = behaviour;
        this.env = env;
        this.tokens = TokenSource.clientCredentials(URI.create(env.get("DROVER_TOKEN_URL")), env.get("DROVER_CLIENT_ID"),
                                                    env.get("DROVER_CLIENT_SECRET"), Map.of("migrator", app));
        this.verifier = SignatureVerifier.remote(URI.create(env.get("DROVER_API_URL") + "/platform/keys"), this::token);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(env.get("PORT"))), 0);
        server.createContext("/steps", this::step);
        server.createContext("/discover", this::discover);
        server.start();
        Thread.startVirtualThread(() -> {
            announce();
            submit();
        });
    }

    static MigratorLauncher launcher(String app, Behaviour behaviour) {
        return MigratorLauncher.inProcess(env -> {
            try {
                return new HandMadeMigrator(app, behaviour, env);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private String token() {
        try {
            return tokens.token();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void announce() {
        Map<String, Object> event = Map.of("specversion", "1.0", "id", UUID.randomUUID().toString(), "source", "/" + app,
                                           "type", "dev.drover.migration.announced", "datacontenttype", "application/json",
                                           "droverauth", token(),
                                           "data", Map.of("id", MIGRATION, "name", "Hand made",
                                                          "steps", List.of(Map.of("name", "touch", "migratorApp", app, "type", "touch"))));
        post(URI.create(env.get("DAPR_HTTP_ENDPOINT") + "/v1.0/publish/pubsub/migration-registry"),
             Map.of("dapr-api-token", env.get("DAPR_API_TOKEN"), "Content-Type", "application/cloudevents+json"), Json.bytes(event));
    }

    /** Submits until the platform has stored the announcement (Dapr delivers it a moment after the publish). */
    private void submit() {
        byte[] candidates = Json.bytes(List.of(Map.of("id", "alpha", "kind", "thing"), Map.of("id", "beta", "kind", "thing")));
        for (int i = 0; i < 100; i++) {
            int status = post(URI.create(env.get("DROVER_API_URL") + "/migrations/" + MIGRATION + "/candidates"),
                              Map.of("Authorization", "Bearer " + token(), "Content-Type", "application/json"), candidates);
            if (status == 200) {
                return;
            }
            sleep(200);
        }
    }

    private void step(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        CloudEvent event = contentType != null && contentType.startsWith("application/cloudevents+json")
                ? EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).deserialize(body)
                : HttpMessageFactory.createReader(headers -> exchange.getRequestHeaders().forEach((name, values) -> headers.accept(name, values.getFirst())), body).toEvent();
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        if (behaviour != Behaviour.ACCEPTS_UNSIGNED) {
            Object signature = event.getExtension(Signatures.EVENT_EXTENSION);
            try {
                verifier.verifyEvent(signature == null ? null : signature.toString(), app, event.getId(), event.getType(), data);
            } catch (ProofRefused e) {
                answer(exchange, 401);
                return;
            }
        }
        JsonNode step = Json.mapper().readTree(data);
        boolean fresh = seen.add(event.getId());
        answer(exchange, 202);
        if (fresh || behaviour == Behaviour.EXECUTES_REDELIVERIES) {
            Thread.startVirtualThread(() -> execute(step));
        }
    }

    private void execute(JsonNode step) {
        if (behaviour == Behaviour.SILENT) {
            return;
        }
        boolean known = "touch".equals(step.at("/step/type").asText());
        String runId = step.path("runId").asText();
        Map<String, Object> callback = Map.of("stepName", step.at("/step/name").asText(), "dispatch", step.path("dispatch").asInt(),
                                              "status", !known ? "failed" : behaviour == Behaviour.STAYS_PENDING ? "pending" : "succeeded",
                                              "message", known ? "touched" : "no handler for type " + step.at("/step/type").asText(),
                                              "token", step.at("/callback/token").asText());
        post(URI.create(env.get("DROVER_CALLBACK_URL") + "/event/" + runId),
             Map.of("Authorization", "Bearer " + token(), "Content-Type", "application/json"), Json.bytes(callback));
    }

    private void discover(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        try {
            verifier.verifyRequest(authorization == null ? "" : authorization.replaceFirst("^Bearer ", ""), app, "POST", "/discover", body);
        } catch (ProofRefused e) {
            answer(exchange, 401);
            return;
        }
        answer(exchange, 202);
        Thread.startVirtualThread(this::submit);
    }

    private static void answer(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private static int post(URI uri, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
