package dev.drover.functions;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Hostile requests generated from schemas/openapi.yaml: each starts from a well-formed request for one
 * operation (its example body, its parameters, the caller it names) and breaks one or two things in it.
 */
final class FuzzRequests {
    /** One operation of the spec, as the fuzz suite needs it. */
    record Operation(String method, String template, List<String> queryParams, List<String> mediaTypes, JsonNode example,
                     boolean sidecar, boolean open) {
        boolean hasBody() {
            return !mediaTypes.isEmpty();
        }
    }

    /** A request to send: what it breaks, for the report, and its bytes. */
    record Request(Operation operation, String what, String method, String path, String query, Map<String, String> headers,
                   byte[] body) {
        String target() {
            return path + (query.isEmpty() ? "" : "?" + query);
        }

        String head() {
            StringBuilder head = new StringBuilder(method + " " + target() + " HTTP/1.1\r\nHost: localhost\r\nConnection: close");
            headers.forEach((name, value) -> head.append("\r\n").append(name).append(": ").append(value));
            if (body != null) {
                head.append("\r\nContent-Length: ").append(body.length);
            }
            return head.toString();
        }
    }

    static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");
    static final List<String> CONTENT_TYPES = List.of("", ";;;", "/json", "application/json;;;;charset=utf-8", "text/plain",
                                                      "application/xml", "application/json; charset=ebcdic", "*/*", "a/b/c",
                                                      "application/json; charset=\"", "application/cloudevents+json",
                                                      "application/cloudevents-batch+json", "multipart/form-data; boundary=x",
                                                      "application/json, text/plain", "APPLICATION/JSON");
    static final List<String> STRINGS = List.of("", " ", "UPPER", "a b", "..", "%00", "\u0000", "\u2028", "\uD83D\uDE00", "\uFEFFa",
                                                "\uD800", "é", "a".repeat(101), "x".repeat(20_000), "1", "-1", "0", "null", "true",
                                                "'; DROP TABLE runs; --", "../../etc/passwd", "${jndi:ldap://x}", "<script>");
    static final List<String> QUERY_VALUES = List.of("", "%", "%zz", "%00", "%E2%80%A8", "%F0%9F%98%80", "%EF%BB%BF", "%ED%A0%80",
                                                     "UPPER", "-1", "0", "99999999999999999999", "1e3", "a".repeat(5000),
                                                     "%2B1000000000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z",
                                                     "%2B999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
                                                     "2026-13-45T99:99:99Z", "not_started", "week", "day", "true");
    static final List<String> ACCEPTS = List.of("text/html", "application/xml", "*/*;q=0", ";;", "application/json;q=0",
                                                "text/plain", "image/png, */*;q=0", "application/*");

    private final Random random;
    private final String migration;
    private final String candidate;
    private final String adminToken;

    FuzzRequests(Random random, String migration, String candidate, String adminToken) {
        this.random = random;
        this.migration = migration;
        this.candidate = candidate;
        this.adminToken = adminToken;
    }

    /** Every operation the spec declares. */
    static List<Operation> operations(Contract contract) {
        List<Operation> operations = new ArrayList<>();
        for (String operation : contract.operations()) {
            String[] methodPath = operation.split(" ", 2);
            String pointer = Contract.pointer("paths", methodPath[1], methodPath[0].toLowerCase(Locale.ROOT));
            JsonNode node = contract.at(pointer);
            List<String> query = new ArrayList<>();
            for (JsonNode parameter : node.path("parameters")) {
                JsonNode resolved = parameter.has("$ref") ? contract.at(parameter.get("$ref").asString().substring(1)) : parameter;
                if (resolved.path("in").asString().equals("query")) {
                    query.add(resolved.path("name").asString());
                }
            }
            List<String> mediaTypes = new ArrayList<>(node.path("requestBody").path("content").propertyNames());
            JsonNode example = null;
            for (String mediaType : mediaTypes) {
                JsonNode content = node.path("requestBody").path("content").path(mediaType);
                if (content.has("example")) {
                    example = content.get("example");
                } else if (content.has("examples")) {
                    JsonNode first = content.get("examples").iterator().next();
                    example = first.has("$ref") ? contract.at(first.get("$ref").asString().substring(1)).path("value") : first.path("value");
                }
                if (example != null) {
                    break;
                }
            }
            String security = node.path("security").toString();
            operations.add(new Operation(methodPath[0], methodPath[1], query, mediaTypes, example,
                                         security.contains("daprApiToken"), node.has("security") && node.get("security").isEmpty()
                                                 || security.contains("{}")));
        }
        return operations;
    }

    Request next(Operation operation) {
        String method = operation.method();
        String path = operation.template().replace("{id}", migration).replace("{cid}", candidate).replace("{runId}", "run-fuzz");
        Map<String, String> headers = new LinkedHashMap<>(credentials(operation));
        String query = "";
        byte[] body = null;
        if (operation.hasBody()) {
            headers.put("Content-Type", operation.mediaTypes().contains("application/json") ? "application/json" : operation.mediaTypes().getFirst());
            body = operation.example() == null ? "{}".getBytes(StandardCharsets.UTF_8)
                    : operation.example().toString().getBytes(StandardCharsets.UTF_8);
        }
        List<String> what = new ArrayList<>();
        int breaks = 1 + random.nextInt(2);
        for (int i = 0; i < breaks; i++) {
            switch (random.nextInt(operation.hasBody() ? 9 : 6)) {
                case 0 -> {
                    method = pick(METHODS);
                    what.add("method " + method);
                }
                case 1 -> {
                    String value = pick(STRINGS);
                    String encoded = java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
                    String broken = operation.template().contains("{")
                            ? operation.template().replaceFirst("\\{[^}]+}", random.nextBoolean() ? encoded : "%2F" + encoded)
                            .replace("{id}", migration).replace("{cid}", candidate).replace("{runId}", "run-fuzz")
                            : path + "/" + encoded;
                    path = broken;
                    what.add("path " + abbreviate(value));
                }
                case 2 -> {
                    String name = operation.queryParams().isEmpty() || random.nextInt(4) == 0 ? pick(List.of("x", "limit", "%", "a%zz", "cursor", ""))
                            : pick(operation.queryParams());
                    String pair = name + "=" + pick(QUERY_VALUES);
                    query = query.isEmpty() ? pair : query + "&" + pair;
                    if (random.nextInt(4) == 0) {
                        query = query + "&" + pair;
                    }
                    what.add("query " + abbreviate(pair));
                }
                case 3 -> {
                    String accept = pick(ACCEPTS);
                    headers.put("Accept", accept);
                    what.add("accept " + accept);
                }
                case 4 -> {
                    switch (random.nextInt(4)) {
                        case 0 -> headers.remove("Authorization");
                        case 1 -> headers.put("Authorization", pick(List.of("Bearer", "Bearer ", "Basic YTpi", "Bearer a.b.c", "bearer " + adminToken + "x")));
                        case 2 -> headers.remove("dapr-api-token");
                        default -> headers.put("dapr-api-token", "wrong");
                    }
                    what.add("credentials");
                }
                case 5 -> {
                    String name = pick(List.of("X-Request-Id", "ce-specversion", "ce-id", "ce-source", "ce-type", "ce-migratorapp",
                                               "X-Forwarded-For", "Content-Encoding", "Expect", "Forwarded"));
                    String value = pick(List.of("", "x".repeat(300), "1.0", "2.0", "\u00e9", "gzip", "100-continue", "for=\"[::1", "a,b,,c",
                                                "999.999.999.999"));
                    headers.put(name, value);
                    what.add("header " + name + ": " + abbreviate(value));
                }
                case 6 -> {
                    String type = pick(CONTENT_TYPES);
                    headers.put("Content-Type", type);
                    what.add("content-type '" + type + "'");
                }
                case 7 -> {
                    body = brokenBody(operation);
                    what.add("body " + abbreviate(new String(body, StandardCharsets.UTF_8)));
                }
                default -> {
                    if (operation.example() != null && operation.example().isContainer()) {
                        JsonNode broken = operation.example().deepCopy();
                        String where = breakLeaf(broken, 0);
                        body = broken.toString().getBytes(StandardCharsets.UTF_8);
                        what.add("field " + where);
                    } else {
                        body = "null".getBytes(StandardCharsets.UTF_8);
                        what.add("body null");
                    }
                }
            }
        }
        return new Request(operation, String.join(", ", what), method, path, query, headers, body);
    }

    private Map<String, String> credentials(Operation operation) {
        if (operation.sidecar()) {
            return Map.of("dapr-api-token", TestTrust.APP_API_TOKEN);
        }
        return Map.of("Authorization", "Bearer " + adminToken);
    }

    private byte[] brokenBody(Operation operation) {
        return switch (random.nextInt(12)) {
            case 0 -> "null".getBytes(StandardCharsets.UTF_8);
            case 1 -> new byte[0];
            case 2 -> pick(List.of("1", "\"s\"", "true", "[]", "{}", "[null]", "{\"\":null}")).getBytes(StandardCharsets.UTF_8);
            case 3 -> "[".repeat(5000).getBytes(StandardCharsets.UTF_8);
            case 4 -> new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, '{', '}'};
            case 5 -> ("\uFEFF" + (operation.example() == null ? "{}" : operation.example().toString())).getBytes(StandardCharsets.UTF_8);
            case 6 -> ("{\"a\":\"" + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 7 -> cloudEvent(pick(STRINGS), pick(STRINGS), random.nextBoolean() ? "null" : "{}");
            case 8 -> cloudEvent("id-1", "/src", "null");
            case 9 -> randomJson(0).toString().getBytes(StandardCharsets.UTF_8);
            case 10 -> "{\"a\":1}{\"b\":2}".getBytes(StandardCharsets.UTF_8);
            default -> "\u0000\u0000\u0000".getBytes(StandardCharsets.UTF_8);
        };
    }

    /** A structured CloudEvent of the types Drover reads, with hostile attributes, as JSON text (escapes kept, lone surrogates too). */
    private byte[] cloudEvent(String id, String source, String data) {
        String type = pick(List.of("dev.drover.step.dispatched", "dev.drover.migration.announced", "other"));
        String json = "{\"specversion\":\"1.0\",\"id\":" + quote(id) + ",\"source\":" + quote(source) + ",\"type\":\"" + type + "\","
                + "\"migratorapp\":" + quote(pick(STRINGS)) + ",\"droversig\":" + quote(pick(STRINGS)) + ",\"droverauth\":"
                + quote(pick(STRINGS)) + ",\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c) || c == '\u2028') {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private JsonNode randomJson(int depth) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (depth > 2 ? random.nextInt(5) : random.nextInt(7)) {
            case 0 -> nodes.nullNode();
            case 1 -> nodes.numberNode(random.nextInt(3) == 0 ? Long.MAX_VALUE : random.nextInt());
            case 2 -> nodes.stringNode(pick(STRINGS));
            case 3 -> nodes.booleanNode(random.nextBoolean());
            case 4 -> nodes.numberNode(random.nextDouble() * 1e300);
            case 5 -> {
                ArrayNode array = nodes.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomJson(depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = nodes.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(pick(List.of("id", "name", "inputs", "steps", "owner", "status", "data", "x")), randomJson(depth + 1));
                }
                yield object;
            }
        };
    }

    /** Replaces one leaf (or container) of {@code node} with a value of a wrong type or size; returns where. */
    private String breakLeaf(JsonNode node, int depth) {
        List<String> names = node.isObject() ? new ArrayList<>(node.propertyNames()) : List.of();
        int size = node.isArray() ? node.size() : names.size();
        if (size == 0) {
            return "(empty)";
        }
        int index = random.nextInt(size);
        JsonNode child = node.isArray() ? node.get(index) : node.get(names.get(index));
        String at = node.isArray() ? "[" + index + "]" : "." + names.get(index);
        if (child.isContainer() && child.size() > 0 && random.nextInt(3) > 0 && depth < 5) {
            return at + breakLeaf(child, depth + 1);
        }
        JsonNode wrong = randomJson(1);
        if (node.isArray()) {
            ((ArrayNode) node).set(index, wrong);
        } else {
            ((ObjectNode) node).set(names.get(index), wrong);
        }
        return at + "=" + abbreviate(wrong.toString());
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    static String abbreviate(String text) {
        return abbreviate(text, 40);
    }

    static String abbreviate(String text, int max) {
        String printable = text.codePoints().limit(max).collect(StringBuilder::new,
                (b, c) -> b.append(c < 0x20 || c == 0x2028 ? String.format("\\u%04x", c) : Character.toString(c)), StringBuilder::append).toString();
        return text.length() > max ? printable + "...(" + text.length() + ")" : printable;
    }
}
