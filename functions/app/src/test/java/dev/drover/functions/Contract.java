package dev.drover.functions;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * schemas/openapi.yaml as a test oracle: finds the operation a request hit and validates bodies
 * against its schemas with networknt's JSON Schema validator in its OpenAPI 3.1 dialect.
 */
final class Contract {
    static final String LOCATION = "classpath:schemas/openapi.yaml";
    private static final Contract INSTANCE = new Contract();

    private final JsonNode spec;
    private final SchemaRegistry registry = SchemaRegistry.withDialect(Dialects.getOpenApi31());
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final ObjectMapper json = JsonMapper.builder().build();

    private Contract() {
        try (InputStream in = Contract.class.getResourceAsStream("/schemas/openapi.yaml")) {
            spec = YAMLMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Contract get() {
        return INSTANCE;
    }

    JsonNode spec() {
        return spec;
    }

    /** The spec's path template matching a concrete path, e.g. /migrations/{id} for /migrations/demo. */
    Optional<String> template(String path) {
        String exact = null;
        String templated = null;
        for (String template : spec.get("paths").propertyNames()) {
            if (template.equals(path)) {
                exact = template;
            } else if (Pattern.matches(template.replaceAll("\\{[^}]+}", "[^/]+"), path)) {
                templated = template;
            }
        }
        return Optional.ofNullable(exact != null ? exact : templated);
    }

    /** Problems with a response, as the spec sees them; empty when it conforms. */
    List<String> responseProblems(String method, String path, int status, String contentType, String body) {
        String template = template(path).orElse(null);
        String operation = template == null ? "" : pointer("paths", template, method.toLowerCase(Locale.ROOT));
        if (template != null && at(operation).isMissingNode() && status == 405) {
            return problems("/components/schemas/Error", body); // a path the spec has, with a method it does not (info: Errors)
        }
        if (template == null || at(operation).isMissingNode()) {
            // A route the spec does not have may only answer the documented 404.
            if (status == 404) {
                return problems("/components/schemas/Error", body);
            }
            return List.of("the spec has no " + method + " " + path + ", yet it answered " + status);
        }
        String response = resolve(operation + "/responses/" + status);
        if (at(response).isMissingNode()) {
            return List.of("the spec declares no " + status + " response for " + method + " " + template);
        }
        if ((contentType == null || contentType.isBlank()) && body.isEmpty() && at(response + "/content").isMissingNode()) {
            return List.of(); // a response the spec declares without a body, answered without one
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim();
        String media = response + "/content/" + escape(mediaType);
        if (at(media).isMissingNode()) {
            return List.of("the spec declares no " + mediaType + " body for " + status + " of " + method + " " + template);
        }
        if (!mediaType.endsWith("json")) {
            return List.of();
        }
        return problems(media + "/schema", body);
    }

    /** Whether the spec has {@code method} on the path template {@code path} matches. */
    boolean declares(String method, String path) {
        return template(path).map(t -> !at(pointer("paths", t, method.toLowerCase(Locale.ROOT))).isMissingNode()).orElse(false);
    }

    /** Problems with a request body as the spec sees them (for its JSON media type). */
    List<String> requestProblems(String method, String template, String body) {
        String media = pointer("paths", template, method.toLowerCase(Locale.ROOT)) + "/requestBody/content/application~1json";
        if (at(media).isMissingNode()) {
            return List.of("the spec declares no JSON request body for " + method + " " + template);
        }
        return problems(media + "/schema", body);
    }

    /** Problems with a value against the schema at a JSON pointer into the spec. */
    List<String> problems(String schemaPointer, String body) {
        JsonNode instance;
        try {
            instance = json.readTree(body);
        } catch (RuntimeException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        Schema schema = schemas.computeIfAbsent(schemaPointer,
                                                p -> registry.getSchema(SchemaLocation.of(LOCATION + "#" + p)));
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(instance)) {
            problems.add(error.toString());
        }
        return problems;
    }

    /** Every (template, method) the spec declares. */
    List<String> operations() {
        List<String> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            for (String key : path.getValue().propertyNames()) {
                if (List.of("get", "post", "put", "patch", "delete").contains(key)) {
                    operations.add(key.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return operations;
    }

    JsonNode at(String pointer) {
        return spec.at(pointer);
    }

    /** Follows a response object's $ref (the spec shares error responses under components). */
    private String resolve(String pointer) {
        JsonNode node = at(pointer);
        JsonNode ref = node.get("$ref");
        if (ref != null && ref.asString().startsWith("#")) {
            return ref.asString().substring(1);
        }
        return pointer;
    }

    static String pointer(String... segments) {
        StringBuilder pointer = new StringBuilder();
        for (String segment : segments) {
            pointer.append('/').append(escape(segment));
        }
        return pointer.toString();
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
