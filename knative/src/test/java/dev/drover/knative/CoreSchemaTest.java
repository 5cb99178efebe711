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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rendered Kubernetes objects (Namespace, ConfigMap, ServiceAccount, Service, Deployment, ClusterRole), and the RoleBinding
 * knative/README.md's grant creates ({@link MigratorRbacTest#documentedGrant}), against Kubernetes
 * 1.34's own OpenAPI v3 documents (src/test/resources/crds, SOURCES.md there), strictly as {@link CrdSchemaTest} does:
 * a field the schema does not list fails with its path (kubectl's default strict field validation refuses it too).
 * The documents' {@code $ref}s to {@code #/components/schemas/...} (behind their {@code allOf} wrappers) resolve
 * inside the document they come from.
 */
class CoreSchemaTest {
    private static final Path CRDS = Manifests.ROOT.resolve("src/test/resources/crds");
    /** The vendored OpenAPI v3 documents, one per API group version the rendered manifests use. */
    static final List<String> DOCUMENTS = List.of("api__v1_openapi.json", "apis__apps__v1_openapi.json",
                                                  "apis__rbac.authorization.k8s.io__v1_openapi.json");
    /** The built-in kinds the render has: each must have its schema in DOCUMENTS. */
    static final List<String> KINDS = List.of("v1/Namespace", "v1/ConfigMap", "v1/ServiceAccount", "v1/Service", "apps/v1/Deployment",
                                              "rbac.authorization.k8s.io/v1/ClusterRole");
    private static final ObjectMapper JACKSON2 = new ObjectMapper();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDialect(Dialects.getOpenApi30());
    /** "version/Kind" (core group) or "group/version/Kind" → the strict schema of that kind. */
    private static final Map<String, Schema> SCHEMAS = load();

    private static Map<String, Schema> load() {
        Map<String, Schema> schemas = new HashMap<>();
        for (String document : DOCUMENTS) {
            JsonNode openapi = JSON.readTree(read(CRDS.resolve(document)));
            ObjectNode components = (ObjectNode) openapi.path("components").deepCopy();
            components.path("schemas").forEach(CrdSchemaTest::strict);
            for (var entry : components.path("schemas").properties()) {
                for (JsonNode gvk : entry.getValue().path("x-kubernetes-group-version-kind")) {
                    String group = gvk.path("group").asString("");
                    String key = (group.isEmpty() ? "" : group + "/") + gvk.path("version").asString() + "/" + gvk.path("kind").asString();
                    // the kind's schema, its references resolved against the components of its own document
                    ObjectNode root = JSON.createObjectNode();
                    root.put("$ref", "#/components/schemas/" + entry.getKey());
                    root.set("components", components);
                    schemas.putIfAbsent(key, REGISTRY.getSchema(root));
                }
            }
        }
        return schemas;
    }

    private static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JsonNode json(Map<String, Object> resource) throws Exception {
        return JSON.readTree(JACKSON2.writeValueAsString(resource));
    }

    static Map<String, Object> first(Manifests manifests, String kind) {
        return manifests.raw().stream().filter(r -> kind.equals(r.get("kind"))).findFirst().orElseThrow();
    }

    @Test
    void theVendoredDocumentsCoverEveryKubernetesKindDroverDeploys() {
        for (String kind : KINDS) {
            assertTrue(SCHEMAS.containsKey(kind), "no vendored schema for " + kind + " (src/test/resources/crds)");
        }
    }

    /** Every object rendered is checked against an upstream schema: a Kubernetes one here, a CRD's in CrdSchemaTest. */
    @Test
    void everyRenderedKindHasAnUpstreamSchema() {
        TreeSet<String> kinds = new TreeSet<>();
        TreeSet<String> uncovered = new TreeSet<>();
        for (Manifests manifests : CrdSchemaTest.rendered()) {
            for (Map<String, Object> resource : manifests.raw()) {
                String key = resource.get("apiVersion") + "/" + resource.get("kind");
                kinds.add(key);
                if (!SCHEMAS.containsKey(key) && !CrdSchemaTest.covers(key)) {
                    uncovered.add(key + " (" + manifests + ")");
                }
            }
        }
        assertTrue(kinds.containsAll(KINDS), kinds.toString());
        assertEquals(new TreeSet<>(), uncovered, "rendered kinds with no vendored upstream schema");
    }

    @Test
    void strictSchemasRefuseAMisspelledOrMistypedField() throws Exception {
        Manifests dev = Manifests.render(Manifests.ROOT.resolve("overlays/dev"));
        Schema deployments = SCHEMAS.get("apps/v1/Deployment");
        JsonNode deployment = json(first(dev, "Deployment"));
        assertEquals(List.of(), deployments.validate(deployment), "the rendered Deployment itself passes");

        ObjectNode misspelled = (ObjectNode) deployment.deepCopy();
        ((ObjectNode) misspelled.path("spec").path("template").path("spec").path("containers").get(0)).put("imagePullPolicyy", "Always");
        List<Error> errors = deployments.validate(misspelled);
        assertFalse(errors.isEmpty(), "spec.template.spec.containers[0].imagePullPolicyy is refused");
        assertTrue(errors.stream().anyMatch(e -> e.getMessage().contains("imagePullPolicyy")), errors.toString());

        ObjectNode mistyped = (ObjectNode) deployment.deepCopy();
        ((ObjectNode) mistyped.path("spec")).put("replicas", "two");
        assertFalse(deployments.validate(mistyped).isEmpty(), "spec.replicas as a string is refused");

        ObjectNode inMetadata = (ObjectNode) deployment.deepCopy();
        ((ObjectNode) inMetadata.path("metadata")).put("label", "x");
        assertFalse(deployments.validate(inMetadata).isEmpty(), "metadata.label (ObjectMeta through its $ref) is refused");

        Map<String, Object> rawService = dev.raw().stream()
                .filter(r -> "v1".equals(r.get("apiVersion")) && "Service".equals(r.get("kind"))).findFirst().orElseThrow();
        JsonNode service = json(rawService);
        ObjectNode port = (ObjectNode) ((ArrayNode) service.path("spec").path("ports")).get(0);
        port.put("targetport", 8080);
        assertFalse(SCHEMAS.get("v1/Service").validate(service).isEmpty(), "spec.ports[0].targetport is refused");

        ObjectNode configMap = (ObjectNode) json(first(dev, "ConfigMap"));
        configMap.putObject("data").put("n", 1);
        assertFalse(SCHEMAS.get("v1/ConfigMap").validate(configMap).isEmpty(), "a number as a ConfigMap value is refused");

        Schema roles = SCHEMAS.get("rbac.authorization.k8s.io/v1/ClusterRole");
        ObjectNode role = (ObjectNode) json(first(MigratorRbacTest.cluster(), "ClusterRole"));
        assertEquals(List.of(), roles.validate(role), "the rendered ClusterRole itself passes");
        ObjectNode rule = (ObjectNode) role.path("rules").get(0);
        rule.set("verb", rule.path("verbs"));
        assertFalse(roles.validate(role).isEmpty(), "rules[0].verb is refused");
    }

    /** The RoleBinding the README's kubectl create rolebinding makes in a service namespace is one Kubernetes accepts. */
    @Test
    void theReadmesGrantIsAValidRoleBinding() {
        Schema bindings = SCHEMAS.get("rbac.authorization.k8s.io/v1/RoleBinding");
        ObjectNode binding = (ObjectNode) JSON.readTree(Manifests.SERIALIZATION.asJson(MigratorRbacTest.documentedGrant("payments")));
        assertEquals(List.of(), bindings.validate(binding), "the README's RoleBinding passes");
        ((ObjectNode) binding.path("roleRef")).remove("kind");
        assertFalse(bindings.validate(binding).isEmpty(), "a roleRef without its kind is refused");
    }

    @ParameterizedTest
    @MethodSource("dev.drover.knative.CrdSchemaTest#rendered")
    void everyKubernetesObjectMatchesItsUpstreamSchemaStrictly(Manifests manifests) throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Map<String, Object> resource : manifests.raw()) {
            String key = resource.get("apiVersion") + "/" + resource.get("kind");
            Schema schema = SCHEMAS.get(key);
            if (schema == null) {
                continue; // a custom kind: CrdSchemaTest checks it
            }
            checked++;
            String name = key + " " + Kustomize.map(resource.get("metadata")).get("name");
            for (Error error : schema.validate(json(resource))) {
                problems.add(name + ": " + error.getInstanceLocation() + " " + error.getMessage());
            }
        }
        assertTrue(checked > 0, manifests + ": nothing checked");
        assertEquals(List.of(), problems, manifests + ": what Kubernetes' schemas refuse");
    }
}
