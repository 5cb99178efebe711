package dev.drover.knative;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rendered manifests against the real upstream CRD schemas (src/test/resources/crds, SOURCES.md there), strictly:
 * what a structural schema would prune without a word (a misspelled field) fails here with its path.
 */
class CrdSchemaTest {
    private static final Path CRDS = Manifests.ROOT.resolve("src/test/resources/crds");
    private static final ObjectMapper JACKSON2 = new ObjectMapper();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDialect(Dialects.getOpenApi30());
    /** "group/version/Kind" → the strict schema of that served version. */
    private static final Map<String, Schema> SCHEMAS = load();

    /** Whether a vendored CRD schema covers "group/version/Kind". */
    static boolean covers(String key) {
        return SCHEMAS.containsKey(key);
    }

    static List<Manifests> rendered() {
        List<Manifests> all = new ArrayList<>(Manifests.all());
        all.add(Manifests.render(Manifests.ROOT.resolve("cluster")));
        return all;
    }

    private static Map<String, Schema> load() {
        Map<String, Schema> schemas = new HashMap<>();
        try (Stream<Path> files = Files.list(CRDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Map<String, Object> crd : Kustomize.Yaml.readAll(file)) {
                    JsonNode node = JSON.readTree(JACKSON2.writeValueAsString(crd));
                    if (!"CustomResourceDefinition".equals(node.path("kind").asString())) {
                        continue;
                    }
                    String group = node.path("spec").path("group").asString();
                    String kind = node.path("spec").path("names").path("kind").asString();
                    for (JsonNode version : node.path("spec").path("versions")) {
                        if (!version.path("served").asBoolean(false)) {
                            continue;
                        }
                        ObjectNode schema = (ObjectNode) version.path("schema").path("openAPIV3Schema").deepCopy();
                        // the API server always takes these at the root, whether the CRD's schema lists them or not
                        ObjectNode properties = schema.has("properties") ? (ObjectNode) schema.get("properties") : schema.putObject("properties");
                        properties.putIfAbsent("apiVersion", JSON.createObjectNode().put("type", "string"));
                        properties.putIfAbsent("kind", JSON.createObjectNode().put("type", "string"));
                        properties.putIfAbsent("metadata", JSON.createObjectNode().put("type", "object"));
                        strict(schema);
                        schemas.put(group + "/" + version.path("name").asString() + "/" + kind, REGISTRY.getSchema(schema));
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return schemas;
    }

    /** Objects with properties refuse others, unless the schema preserves unknown fields (as the API server would). */
    static void strict(JsonNode schema) {
        if (!(schema instanceof ObjectNode object)) {
            if (schema.isArray()) {
                schema.forEach(CrdSchemaTest::strict);
            }
            return;
        }
        if (object.has("properties") && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                && !object.has("additionalProperties")) {
            object.put("additionalProperties", false);
        }
        for (String key : List.of("properties", "patternProperties")) {
            if (object.get(key) instanceof ObjectNode properties) {
                properties.forEach(CrdSchemaTest::strict);
            }
        }
        for (String key : List.of("items", "additionalProperties", "not")) {
            if (object.has(key) && object.get(key).isObject()) {
                strict(object.get(key));
            }
        }
        for (String key : List.of("allOf", "anyOf", "oneOf")) {
            if (object.has(key)) {
                object.get(key).forEach(CrdSchemaTest::strict);
            }
        }
    }

    @Test
    void theVendoredSchemasCoverEveryCustomKindDroverDeploys() {
        for (String kind : List.of("serving.knative.dev/v1/Service", "eventing.knative.dev/v1/Broker", "eventing.knative.dev/v1/Trigger",
                                   "sources.knative.dev/v1/PingSource", "sources.knative.dev/v1/SinkBinding",
                                   "gateway.networking.k8s.io/v1/Gateway", "gateway.networking.k8s.io/v1/HTTPRoute",
                                   "gateway.networking.k8s.io/v1beta1/ReferenceGrant", "dapr.io/v1alpha1/Component")) {
            assertTrue(SCHEMAS.containsKey(kind), "no vendored schema for " + kind + " (src/test/resources/crds)");
        }
    }

    @Test
    void strictSchemasRefuseAMisspelledField() throws Exception {
        Manifests dev = Manifests.render(Manifests.ROOT.resolve("overlays/dev"));
        Map<String, Object> route = dev.raw().stream().filter(r -> "HTTPRoute".equals(r.get("kind"))).findFirst().orElseThrow();
        JsonNode node = JSON.readTree(JACKSON2.writeValueAsString(route));
        ((ObjectNode) node.path("spec").path("rules").get(0)).put("backendRef", "x");
        assertFalse(SCHEMAS.get("gateway.networking.k8s.io/v1/HTTPRoute").validate(node).isEmpty(), "spec.rules[0].backendRef is refused");
        Map<String, Object> service = dev.raw().stream().filter(r -> "serving.knative.dev/v1".equals(r.get("apiVersion"))).findFirst().orElseThrow();
        JsonNode ksvc = JSON.readTree(JACKSON2.writeValueAsString(service));
        ((ObjectNode) ksvc.path("spec").path("template").path("spec")).put("containerConcurency", 1);
        assertFalse(SCHEMAS.get("serving.knative.dev/v1/Service").validate(ksvc).isEmpty(), "containerConcurency is refused");
    }

    /** Knative Serving's defaults (config-features, vendored with the CRDs): which feature flags are on. */
    static Map<String, String> defaultFeatures() throws java.io.IOException {
        Map<String, Object> config = Kustomize.Yaml.readAll(CRDS.resolve("serving.knative.dev_config-features.yaml")).getFirst();
        String example = (String) Kustomize.map(config.get("data")).get("_example");
        Map<String, String> flags = new HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*([a-z0-9.-]+): \"(enabled|disabled|allowed)\"").matcher(example);
        while (m.find()) {
            flags.put(m.group(1), m.group(2));
        }
        return flags;
    }

    /**
     * No Knative Service uses a field that Knative's schema marks "behind a feature flag" unless that flag is enabled
     * by default: the webhook refuses the others on a cluster as installed (kubernetes.podspec-fieldref was one).
     */
    @ParameterizedTest
    @MethodSource("rendered")
    void knativeServicesUseNoFieldBehindAFeatureFlagThatIsOffByDefault(Manifests manifests) throws Exception {
        Map<String, String> defaults = defaultFeatures();
        assertEquals("disabled", defaults.get("kubernetes.podspec-fieldref"), "the vendored defaults are read");
        JsonNode crd = null;
        for (Map<String, Object> doc : Kustomize.Yaml.readAll(CRDS.resolve("serving.knative.dev_services.yaml"))) {
            crd = JSON.readTree(JACKSON2.writeValueAsString(doc));
        }
        JsonNode schema = null;
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (version.path("name").asString().equals("v1")) {
                schema = version.path("schema").path("openAPIV3Schema");
            }
        }
        List<String> used = new ArrayList<>();
        for (Map<String, Object> resource : manifests.raw()) {
            if ("serving.knative.dev/v1".equals(resource.get("apiVersion")) && "Service".equals(resource.get("kind"))) {
                flagged(schema, JSON.readTree(JACKSON2.writeValueAsString(resource)),
                        "Service " + Kustomize.map(resource.get("metadata")).get("name"), used, defaults);
            }
        }
        assertEquals(List.of(), used, manifests + ": fields behind a Knative feature flag that is off by default");
    }

    private static final java.util.regex.Pattern FLAG = java.util.regex.Pattern.compile("behind a feature flag - ([a-z0-9.-]+)");

    private static void flagged(JsonNode schema, JsonNode instance, String path, List<String> used, Map<String, String> defaults) {
        if (schema == null || schema.isMissingNode() || instance == null || instance.isNull()) {
            return;
        }
        java.util.regex.Matcher m = FLAG.matcher(schema.path("description").asString(""));
        if (m.find() && !"enabled".equals(defaults.get(m.group(1)))) {
            used.add(path + " (" + m.group(1) + ": " + defaults.getOrDefault(m.group(1), "unknown") + ")");
        }
        if (instance.isObject()) {
            for (var field : instance.properties()) {
                flagged(schema.path("properties").path(field.getKey()), field.getValue(), path + "." + field.getKey(), used, defaults);
            }
        } else if (instance.isArray()) {
            for (int i = 0; i < instance.size(); i++) {
                flagged(schema.path("items"), instance.get(i), path + "[" + i + "]", used, defaults);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everyCustomObjectMatchesItsUpstreamSchemaStrictly(Manifests manifests) throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Map<String, Object> resource : manifests.raw()) {
            String key = resource.get("apiVersion") + "/" + resource.get("kind");
            Schema schema = SCHEMAS.get(key);
            if (schema == null) {
                continue; // a Kubernetes kind: CoreSchemaTest checks it against Kubernetes' own OpenAPI
            }
            checked++;
            String name = key + " " + Kustomize.map(resource.get("metadata")).get("name");
            for (Error error : schema.validate(JSON.readTree(JACKSON2.writeValueAsString(resource)))) {
                problems.add(name + ": " + error.getInstanceLocation() + " " + error.getMessage());
            }
        }
        assertTrue(checked > 0, manifests + ": nothing checked");
        assertEquals(List.of(), problems, manifests + ": what the upstream schemas refuse");
    }
}
