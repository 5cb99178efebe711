package dev.drover.core.function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.InvalidInput;
import dev.drover.core.auth.Access;
import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.LoopbackIssuer;
import dev.drover.core.auth.PlatformAuthenticator;
import dev.drover.core.auth.Principals;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.core.event.DaprStatus;
import dev.drover.core.event.EventDelivery;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.http.RequestLog;
import dev.drover.core.state.MigrationNotFound;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every function process answers around its functions, over HTTP on loopback with the platform's authenticator
 * and a loopback OIDC issuer: who may call which route, the JSON errors for every failure, 404 vs 405, Dapr's
 * subscription list and its verdicts on events, the request id, the header limit, the metrics door.
 */
class FunctionRoutingTest {
    private static final LoopbackIssuer ISSUER = new LoopbackIssuer("people");
    private static final URI PEOPLE = ISSUER.issuer("people");
    private static final String SIDECAR_TOKEN = "dapr-app-token";
    private static final AuthSettings SETTINGS = AuthSettings.of(PEOPLE, Optional.of(SIDECAR_TOKEN));
    private static final String VIEWER = ISSUER.person(PEOPLE, "vic", List.of("viewer"));
    private static final String OPERATOR = ISSUER.person(PEOPLE, "ann", List.of("operator"));
    private static final String ADMIN = ISSUER.person(PEOPLE, "ada", List.of("admin"));
    private static final String NO_ROLE = ISSUER.person(PEOPLE, "nat", List.of());
    private static final String MIGRATOR = ISSUER.sign(LoopbackIssuer.claims(PEOPLE, "system:serviceaccount:drover:chart-migrator",
                                                                             "drover").build());
    private static final WebServer SERVER = start();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** A function that answers who called it, or fails the way its path's last segment says. */
    private record Probe(FunctionSpec spec) implements Function {
        @Override
        public void handle(ServerRequest req, ServerResponse res) {
            String fault = req.path().pathParameters().first("fault").orElse("");
            if (spec.kind() == FunctionKind.SUBSCRIPTION) {
                fault = new String(req.content().as(byte[].class));
            }
            switch (fault) {
                case "invalid" -> throw new InvalidInput("bad_field", "the field is wrong");
                case "missing-migration" -> throw new MigrationNotFound("m-1");
                case "redis-down" -> throw new JedisConnectionException("connection refused");
                case "redis-loading" -> throw new JedisDataException("LOADING Redis is loading the dataset in memory");
                case "redis-refused" -> throw new JedisDataException("WRONGTYPE Operation against a key");
                case "unavailable" -> throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "temporal_unavailable", "Temporal is down");
                case "gone" -> throw ApiException.notFound("run_not_found", "no such run");
                case "bug" -> throw new IllegalStateException("a bug");
                case "helidon-refused" -> throw new io.helidon.http.BadRequestException("query parameter 'limit' does not parse");
                case "helidon-refused-blank" -> throw new io.helidon.http.BadRequestException("");
                case "helidon-failed" -> throw new io.helidon.http.InternalServerException("a codec failed", new IllegalStateException());
                case "body" -> Http.json(res, Map.of("bytes", Http.jsonBody(req).length));
                case "slug" -> Http.json(res, Map.of("id", Http.slugParam(req, "id")));
                case "event" -> {
                    EventDelivery delivery = EventDelivery.read(req);
                    Http.json(res, Map.of("event", delivery.describe(), "data", new String(delivery.data(), StandardCharsets.UTF_8)));
                }
                default -> {
                    if (spec.kind() == FunctionKind.SUBSCRIPTION) {
                        DaprStatus.SUCCESS.send(res, Status.OK_200);
                    } else {
                        Http.json(res, Map.of("function", spec.name(), "caller", Principals.of(req).actor()));
                    }
                }
            }
        }

        @Override
        public boolean answerRefusal(ServerRequest req, ServerResponse res, ApiException refusal) {
            if (spec.kind() != FunctionKind.PAGES || refusal.status() != Status.UNAUTHORIZED_401) {
                return false;
            }
            res.status(Status.SEE_OTHER_303).header("Location", "/console/sign-in").send();
            return true;
        }
    }

    /** A function that leaves refusals to the routing (the default). */
    private record Plain(FunctionSpec spec) implements Function {
        @Override
        public void handle(ServerRequest req, ServerResponse res) {
            Http.json(res, Map.of("function", spec.name()));
        }
    }

    private static WebServer start() {
        return start(Settings.fromEnvironment(Map.of()));
    }

    private static WebServer start(Settings settings) {
        List<Function> functions = List.of(
                new Probe(FunctionSpec.pages("console", "/console", Access.SESSION)),
                new Probe(FunctionSpec.rest("sign-in", Method.GET, "/console/sign-in", Access.CONTENT)),
                new Probe(FunctionSpec.rest("read", Method.GET, "/read/{fault}", Access.VIEW)),
                new Probe(FunctionSpec.rest("slug", Method.GET, "/things/{id}/{fault}", Access.VIEW)),
                new Probe(FunctionSpec.rest("operate", Method.POST, "/operate/{fault}", Access.OPERATE)),
                new Probe(FunctionSpec.rest("admin", Method.POST, "/admin", Access.ADMIN)),
                new Probe(FunctionSpec.rest("migrate", Method.POST, "/migrate", Access.MIGRATOR)),
                new Probe(FunctionSpec.rest("either", Method.GET, "/either", Access.VIEW_OR_MIGRATOR)),
                new Probe(FunctionSpec.rest("anyone", Method.GET, "/anyone", Access.AUTHENTICATED)),
                new Probe(FunctionSpec.rest("hook", Method.POST, "/hook/{fault}", Access.CONTENT)),
                new Probe(FunctionSpec.subscription("steps", "step-events", "/events/steps")),
                new Plain(FunctionSpec.pages("plain", "/plain", Access.SESSION)));
        return FunctionServer.start("127.0.0.1", settings.withPort(0), functions, List.of(), List.of(),
                                    new PlatformAuthenticator(SETTINGS, new TokenVerifier(SETTINGS)));
    }

    @AfterAll
    static void stop() {
        SERVER.stop();
        ISSUER.close();
    }

    private record Reply(int status, JsonNode json, HttpResponse<String> raw) {
        String code() {
            return json.path("error").path("code").asText();
        }

        String message() {
            return json.path("error").path("message").asText();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse("");
        }
    }

    private static Reply send(String method, String path, String body, String... headers) throws Exception {
        // A bounded wait: a broken filter that never answers fails the test instead of hanging it.
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + SERVER.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() || !response.body().startsWith("{") && !response.body().startsWith("[")
                        ? Json.mapper().missingNode() : Json.mapper().readTree(response.body());
        return new Reply(response.statusCode(), json, response);
    }

    private static Reply get(String path, String token) throws Exception {
        return send("GET", path, null, "Authorization", "Bearer " + token);
    }

    private static Reply post(String path, String token, String body) throws Exception {
        return send("POST", path, body, "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    @Test
    void eachRoleReachesTheRoutesItIncludesAndIsToldWhatAnotherNeeds() throws Exception {
        assertEquals("vic", get("/read/ok", VIEWER).json().get("caller").asText());
        assertEquals(200, post("/operate/ok", OPERATOR, "{}").status());
        assertEquals(200, post("/operate/ok", ADMIN, "{}").status());
        Reply viewerOperates = post("/operate/ok", VIEWER, "{}");
        assertEquals(403, viewerOperates.status());
        assertEquals("forbidden", viewerOperates.code());
        assertEquals("vic (viewer) may not do this: it needs the operator role", viewerOperates.message());
        assertEquals(403, post("/admin", OPERATOR, "{}").status());
        assertEquals(200, post("/admin", ADMIN, "{}").status());
        assertEquals("nat (no Drover role) may not do this: it needs the viewer role", get("/read/ok", NO_ROLE).message());
    }

    @Test
    void aMigratorReachesOnlyTheRoutesForMigratorsAndAnAdminThoseToo() throws Exception {
        assertEquals(200, post("/migrate", MIGRATOR, "{}").status());
        assertEquals(200, post("/migrate", ADMIN, "{}").status());
        assertEquals(403, post("/migrate", OPERATOR, "{}").status());
        assertEquals(200, get("/either", MIGRATOR).status());
        assertEquals(200, get("/either", VIEWER).status());
        assertEquals(200, get("/anyone", MIGRATOR).status());
        assertEquals(200, get("/anyone", VIEWER).status());
        Reply migratorReads = get("/read/ok", MIGRATOR);
        assertEquals(403, migratorReads.status());
        assertEquals("migrator app chart-migrator may not do this: it needs the viewer role", migratorReads.message());
    }

    @Test
    void aMissingOrWrongCredentialIs401NamingTheBearerScheme() throws Exception {
        Reply missing = send("GET", "/read/ok", null);
        assertEquals(401, missing.status());
        assertEquals("missing_credential", missing.code());
        assertEquals("Bearer realm=\"drover\"", missing.header("WWW-Authenticate"));
        Reply wrong = get("/read/ok", "not-a-jwt");
        assertEquals(401, wrong.status());
        assertEquals("invalid_credential", wrong.code());
        assertEquals("Bearer realm=\"drover\", error=\"invalid_token\"", wrong.header("WWW-Authenticate"));
        Reply basic = send("GET", "/read/ok", null, "Authorization", "Basic YW5uOnB3");
        assertEquals("invalid_credential", basic.code());
        assertEquals(200, send("GET", "/read/ok", null, "Authorization", "bearer " + VIEWER).status(), "the scheme is case-insensitive");
    }

    @Test
    void pagesTakeTheSessionCookieAndSendABrowserWithoutOneToSignIn() throws Exception {
        Reply anonymous = send("GET", "/console/migrations", null);
        assertEquals(303, anonymous.status());
        assertEquals("/console/sign-in", anonymous.header("Location"));
        assertEquals("vic", send("GET", "/console/migrations", null, "Cookie", "drover_session=" + VIEWER).json().get("caller").asText());
        assertEquals("ann", send("GET", "/console", null, "Authorization", "Bearer " + OPERATOR,
                                 "Cookie", "drover_session=" + VIEWER).json().get("caller").asText(), "the header wins");
        assertEquals(401, send("GET", "/read/ok", null, "Cookie", "drover_session=" + VIEWER).status(), "only pages read the cookie");
        Reply plain = send("GET", "/plain/x", null);
        assertEquals(List.of(401, "missing_credential"), List.of(plain.status(), plain.code()), "pages that do not redirect get JSON");
        // An exact route beneath the prefix wins over the pages, and proves itself by its content.
        assertEquals("sign-in", send("GET", "/console/sign-in", null).json().get("function").asText());
    }

    @Test
    void everyFailureIsAJsonErrorWithItsStatusAndCode() throws Exception {
        record Expected(String fault, int status, String code) {
        }
        for (Expected expected : List.of(new Expected("invalid", 400, "bad_field"),
                                         new Expected("missing-migration", 404, "migration_not_found"),
                                         new Expected("redis-down", 503, "state_unavailable"),
                                         new Expected("redis-loading", 503, "state_unavailable"),
                                         new Expected("redis-refused", 500, "internal"),
                                         new Expected("unavailable", 503, "temporal_unavailable"),
                                         new Expected("gone", 404, "run_not_found"),
                                         new Expected("bug", 500, "internal"),
                                         new Expected("helidon-refused", 400, "bad_request"),
                                         new Expected("helidon-refused-blank", 400, "bad_request"),
                                         new Expected("helidon-failed", 500, "internal"))) {
            Reply reply = get("/read/" + expected.fault(), VIEWER);
            assertEquals(List.of(expected.status(), expected.code()), List.of(reply.status(), reply.code()), expected.fault());
            assertEquals(expected.status() == 503 ? "5" : "", reply.header("Retry-After"), expected.fault());
            assertTrue(reply.header("Content-Type").startsWith("application/json"), expected.fault());
        }
        assertTrue(get("/read/redis-loading", VIEWER).message().contains("LOADING"));
        assertEquals("unexpected failure; see the server log", get("/read/bug", VIEWER).message(), "no internals leak");
        assertEquals("unexpected failure; see the server log", get("/read/helidon-failed", VIEWER).message());
        assertEquals("Bad Request: query parameter 'limit' does not parse", get("/read/helidon-refused", VIEWER).message());
        assertEquals("Bad Request", get("/read/helidon-refused-blank", VIEWER).message());
    }

    @Test
    void anUnknownPathIs404AndAnotherMethodOnAKnownOneIs405WithAllow() throws Exception {
        Reply unknown = get("/nowhere", VIEWER);
        assertEquals(List.of(404, "route_not_found"), List.of(unknown.status(), unknown.code()));
        assertEquals("no route GET /nowhere", unknown.message());
        Reply wrongMethod = send("DELETE", "/read/ok", null, "Authorization", "Bearer " + VIEWER);
        assertEquals(List.of(405, "method_not_allowed"), List.of(wrongMethod.status(), wrongMethod.code()));
        assertEquals("GET", wrongMethod.header("Allow"));
        assertEquals("GET, POST", send("PUT", "/console/x", null).header("Allow"));
        assertEquals("GET", send("POST", "/dapr/subscribe", null).header("Allow"));
    }

    @Test
    void pathParametersAndBodiesAreCheckedBeforeTheFunctionUsesThem() throws Exception {
        assertEquals("app-1", get("/things/app-1/slug", VIEWER).json().get("id").asText());
        Reply notSlug = get("/things/App_1/slug", VIEWER);
        assertEquals(List.of(400, "invalid_id"), List.of(notSlug.status(), notSlug.code()));
        assertEquals(400, get("/things/" + "a".repeat(101) + "/slug", VIEWER).status());
        assertEquals(2, post("/operate/body", OPERATOR, "{}").json().get("bytes").asInt());
        assertEquals(200, send("POST", "/operate/body", "{}", "Authorization", "Bearer " + OPERATOR,
                               "Content-Type", "application/merge-patch+json").status());
        Reply text = send("POST", "/operate/body", "{}", "Authorization", "Bearer " + OPERATOR, "Content-Type", "text/plain");
        assertEquals(List.of(415, "unsupported_media_type"), List.of(text.status(), text.code()));
        Reply empty = send("POST", "/operate/body", null, "Authorization", "Bearer " + OPERATOR);
        assertEquals(List.of(400, "invalid_request"), List.of(empty.status(), empty.code()));
    }

    @Test
    void theSidecarAloneLearnsTheSubscriptionsAndDeliversEvents() throws Exception {
        Reply list = send("GET", "/dapr/subscribe", null, "dapr-api-token", SIDECAR_TOKEN);
        assertEquals(200, list.status());
        assertEquals(Json.mapper().readTree("[{\"pubsubname\":\"pubsub\",\"topic\":\"step-events\",\"route\":\"/events/steps\"}]"),
                     list.json());
        assertEquals("missing_credential", send("GET", "/dapr/subscribe", null).code());
        assertEquals("invalid_credential", send("GET", "/dapr/subscribe", null, "dapr-api-token", "guess").code());
        assertEquals(401, send("GET", "/dapr/subscribe", null, "Authorization", "Bearer " + ADMIN).status(),
                     "a person, even an admin, is not the sidecar");
        assertEquals(401, send("POST", "/events/steps", "ok", "Authorization", "Bearer " + ADMIN).status());
    }

    @Test
    void anEventIsDroppedWhenItCanNeverBeProcessedAndRedeliveredWhenTheFaultPasses() throws Exception {
        record Expected(String body, int status, String verdict) {
        }
        for (Expected expected : List.of(new Expected("ok", 200, "SUCCESS"),
                                         new Expected("invalid", 200, "DROP"),
                                         new Expected("gone", 200, "DROP"),
                                         new Expected("helidon-refused", 200, "DROP"),
                                         new Expected("redis-down", 503, "RETRY"),
                                         new Expected("redis-loading", 503, "RETRY"),
                                         new Expected("unavailable", 503, "RETRY"))) {
            Reply reply = send("POST", "/events/steps", expected.body(), "dapr-api-token", SIDECAR_TOKEN,
                               "Content-Type", "application/cloudevents+json");
            assertEquals(List.of(expected.status(), expected.verdict()), List.of(reply.status(), reply.json().path("status").asText()),
                         expected.body());
            assertEquals(expected.status() == 503 ? "5" : "", reply.header("Retry-After"), expected.body());
            assertEquals(expected.verdict().equals("SUCCESS"), reply.json().path("message").isMissingNode(), expected.body());
        }
        assertEquals("run_not_found: no such run",
                     send("POST", "/events/steps", "gone", "dapr-api-token", SIDECAR_TOKEN).json().get("message").asText());
        // A Redis error that is a bug is neither: it is answered 500, and the bus redelivers as for any failure.
        assertEquals(500, send("POST", "/events/steps", "redis-refused", "dapr-api-token", SIDECAR_TOKEN).status());
    }

    @Test
    void everyAnswerCarriesTheRequestIdTheCallerGaveOrANewOne() throws Exception {
        assertEquals("trace-1", send("GET", "/read/ok", null, "Authorization", "Bearer " + VIEWER, "X-Request-Id", "trace-1")
                .header("X-Request-Id"));
        String generated = get("/read/ok", VIEWER).header("X-Request-Id");
        assertEquals(36, generated.length(), generated);
        java.util.UUID uuid = java.util.UUID.fromString(generated);
        assertEquals(4, uuid.version(), "a random UUID: " + generated);
        assertEquals(2, uuid.variant(), "of the IETF variant: " + generated);
        assertNotEquals(generated, get("/read/ok", VIEWER).header("X-Request-Id"));
        String tooLong = "x".repeat(129);
        assertNotEquals(tooLong, send("GET", "/read/ok", null, "Authorization", "Bearer " + VIEWER, "X-Request-Id", tooLong)
                .header("X-Request-Id"));
        assertEquals(36, send("GET", "/nowhere", null, "X-Request-Id", " ").header("X-Request-Id").length(), "a blank id is replaced");
        String longest = "x".repeat(128);
        assertEquals(longest, send("GET", "/nowhere", null, "X-Request-Id", longest).header("X-Request-Id"));
    }

    @Test
    void headersOver8KiBAre431() throws Exception {
        Reply large = send("GET", "/read/ok", null, "Authorization", "Bearer " + VIEWER, "X-Padding", "p".repeat(9000));
        assertEquals(List.of(431, "headers_too_large"), List.of(large.status(), large.code()));
        assertTrue(large.message().endsWith("at most 8192 are read"), large.message());
        assertEquals(200, send("GET", "/read/ok", null, "Authorization", "Bearer " + VIEWER, "X-Padding", "p".repeat(6000)).status());
    }

    @Test
    void metricsAreForCallersWithACredentialInATextOrJsonFormat() throws Exception {
        assertEquals(401, send("GET", "/observe/metrics", null).status());
        assertEquals(200, get("/observe/metrics", VIEWER).status());
        assertEquals(200, get("/observe/metrics", MIGRATOR).status());
        assertEquals(200, send("GET", "/observe/metrics", null, "Authorization", "Bearer " + VIEWER, "Accept", "application/json").status());
        Reply post = send("POST", "/observe/metrics", null, "Authorization", "Bearer " + VIEWER);
        assertEquals(List.of(405, "GET"), List.of(post.status(), post.header("Allow")));
        Reply html = send("GET", "/observe/metrics", null, "Authorization", "Bearer " + VIEWER, "Accept", "text/html");
        assertEquals(List.of(406, "not_acceptable"), List.of(html.status(), html.code()));
        assertEquals(406, send("GET", "/observe/metrics", null, "Authorization", "Bearer " + VIEWER,
                               "Accept", "text/plain;q=0, text/html").status());
        assertEquals(204, send("GET", "/observe/health", null).status(), "health stays open to probes");
    }

    @Test
    void aContentTypeThatDoesNotParseIs400() throws Exception {
        Reply reply = send("POST", "/operate/body", "{}", "Authorization", "Bearer " + OPERATOR, "Content-Type", "application/json; charset=\"");
        assertEquals(400, reply.status());
        assertTrue(reply.header("Content-Type").startsWith("application/json"));
    }

    @Test
    void anEventIsReadAsABinaryOrStructuredCloudEventOrAsPlainJson() throws Exception {
        Reply plain = send("POST", "/hook/event", "{\"a\":1}", "Content-Type", "application/json");
        assertEquals("plain JSON event", plain.json().get("event").asText());
        assertEquals("{\"a\":1}", plain.json().get("data").asText());
        Reply binary = send("POST", "/hook/event", "{\"a\":2}", "Content-Type", "application/json", "ce-specversion", "1.0",
                            "ce-id", "e-1", "ce-type", "dev.drover.step", "ce-source", "/platform");
        assertEquals("CloudEvent dev.drover.step id=e-1 source=/platform", binary.json().get("event").asText());
        assertEquals("{\"a\":2}", binary.json().get("data").asText());
        Reply structured = send("POST", "/hook/event", "{\"specversion\":\"1.0\",\"id\":\"e-2\",\"type\":\"t\",\"source\":\"/s\","
                                + "\"datacontenttype\":\"application/json\",\"data\":{\"a\":3}}",
                                "Content-Type", "application/cloudevents+json; charset=utf-8");
        assertEquals(200, structured.status(), structured.raw().body());
        assertEquals("CloudEvent t id=e-2 source=/s", structured.json().get("event").asText());
        assertEquals("{\"a\":3}", structured.json().get("data").asText());
        assertEquals("", send("POST", "/hook/event", null).json().get("data").asText(), "no body: no data");
    }

    @Test
    void aRequestHelidonCannotParseIsStillAJsonError() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", SERVER.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /read/ok HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 400"), response);
            assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), response);
            assertTrue(response.contains("{\"error\":{\"code\":\"bad_request\""), response);
        }
    }

    /** The request lines {@code requests} logged, as "LEVEL METHOD PATH -> STATUS", from the line of {@code firstLine} on. */
    private static List<String> requestLines(String firstLine, String lastPath, Executable requests) throws Throwable {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(RequestLog.class.getName());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        try {
            requests.execute();
            // A line is logged after its answer is sent: wait for the last request's.
            for (int i = 0; i < 100 && records.stream().noneMatch(r -> r.getMessage().contains(" " + lastPath + " ")); i++) {
                Thread.sleep(20);
            }
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(before);
        }
        List<String> lines = records.stream().map(r -> r.getLevel() + " " + r.getMessage().replaceAll(" in \\d+ ms$", "")).toList();
        // A request of an earlier test is logged after its answer was sent, so its line may come in first (CI saw
        // "GET /read/ok -> 403" here): what these requests logged starts at the first one's line.
        int first = lines.indexOf(firstLine);
        return first < 0 ? lines : lines.subList(first, lines.size());
    }

    @Test
    void changesAndRefusalsAreLoggedAtInfoReadsThatSucceededAndProbesAtDebug() throws Throwable {
        List<String> lines = requestLines("INFO POST /operate/ok -> 200", "/dapr/subscribe", () -> {
            post("/operate/ok", OPERATOR, "{}");
            get("/read/ok", VIEWER);
            get("/read/ok", NO_ROLE);
            send("GET", "/observe/health", null);
            send("GET", "/dapr/subscribe", null, "dapr-api-token", SIDECAR_TOKEN);
        });
        assertEquals(List.of("INFO POST /operate/ok -> 200", "FINE GET /read/ok -> 200", "INFO GET /read/ok -> 403",
                             "FINE GET /observe/health -> 204", "FINE GET /dapr/subscribe -> 200"),
                     lines, String.join("\n", lines));
    }

    @Test
    void withDroverLogReadsOnReadsThatSucceededAreLoggedAtInfoToo() throws Throwable {
        WebServer logging = start(Settings.fromEnvironment(Map.of("DROVER_LOG_READS", "on")));
        try {
            List<String> lines = requestLines("INFO GET /read/ok -> 200", "/observe/health", () -> {
                for (String path : List.of("/read/ok", "/observe/health")) {
                    CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + logging.port() + path))
                                        .header("Authorization", "Bearer " + VIEWER).timeout(Duration.ofSeconds(10)).build(),
                                HttpResponse.BodyHandlers.discarding());
                }
            });
            assertEquals(List.of("INFO GET /read/ok -> 200", "FINE GET /observe/health -> 204"), lines, String.join("\n", lines));
        } finally {
            logging.stop();
        }
    }
}
