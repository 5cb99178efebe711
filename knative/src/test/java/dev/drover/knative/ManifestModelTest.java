package dev.drover.knative;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every manifest parses into fabric8's models, with no field those models do not know. */
class ManifestModelTest {
    /** The kinds Drover deploys; a kind outside this list is most likely a typo in apiVersion or kind. */
    private static final Set<String> KINDS = Set.of(
            "v1/Namespace", "v1/ConfigMap", "v1/ServiceAccount", "apps/v1/Deployment",
            "serving.knative.dev/v1/Service", "eventing.knative.dev/v1/Broker", "eventing.knative.dev/v1/Trigger",
            "sources.knative.dev/v1/PingSource", "sources.knative.dev/v1/SinkBinding", "dapr.io/v1alpha1/Component",
            "v1/Service", "gateway.networking.k8s.io/v1/Gateway", "gateway.networking.k8s.io/v1/HTTPRoute",
            "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding");

    static List<Manifests> rendered() {
        return Manifests.all();
    }

    /** Every YAML file under knative/, each document on its own: patches are checked where they apply. */
    static Stream<Path> files() throws Exception {
        return Files.walk(Manifests.ROOT.resolve("base")).filter(p -> p.toString().endsWith(".yaml"))
                .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
                .sorted();
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyBaseFileParsesIntoKnownKinds(Path file) {
        List<Map<String, Object>> documents = Kustomize.Yaml.readAll(file);
        assertTrue(!documents.isEmpty(), file + " holds no manifest");
        for (Map<String, Object> document : documents) {
            HasMetadata resource = Manifests.typed(document);
            String kind = resource.getApiVersion() + "/" + resource.getKind();
            assertTrue(KINDS.contains(kind), file + ": unexpected kind " + kind + " (known: " + KINDS + ")");
            // Only a kind fabric8 has no model for may stay generic: a known kind that came back generic
            // had a wrong apiVersion.
            assertEquals(kind.startsWith("dapr.io/"), resource instanceof GenericKubernetesResource,
                         file + ": " + kind + " was read as " + resource.getClass().getSimpleName());
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void noManifestHasAFieldTheModelsDoNotKnow(Manifests manifests) {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata resource : manifests.typed()) {
            StrictModel.unknownFields(resource).forEach(path -> unknown.add(
                    resource.getKind() + " " + resource.getMetadata().getName() + path));
        }
        assertEquals(List.of(), unknown, manifests + ": fields the Kubernetes/Knative models do not have (misspelled?)");
    }

    @Test
    void aMisspelledFieldIsReportedWithItsPath() {
        Map<String, Object> service = Kustomize.Yaml.readAll(Manifests.ROOT.resolve("base/functions/migrations-list.yaml")).getFirst();
        Map<String, Object> spec = Kustomize.map(Kustomize.map(Kustomize.map(service.get("spec")).get("template")).get("spec"));
        spec.put("containerConcurency", 10);
        Map<String, Object> container = Kustomize.map(((List<?>) spec.get("containers")).getFirst());
        container.put("readinesProbe", Map.of("httpGet", Map.of("path", "/observe/health/ready")));

        assertEquals(List.of(".spec.template.spec.containerConcurency", ".spec.template.spec.containers[0].readinesProbe"),
                     StrictModel.unknownFields(Manifests.typed(service)).stream().sorted().toList());
    }
}
