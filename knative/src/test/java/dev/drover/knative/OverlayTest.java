package dev.drover.knative;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The overlays render, put everything in their namespace, pin every image, and change what they say. */
class OverlayTest {
    static List<Manifests> overlays() {
        return Manifests.all().stream().filter(m -> m.name().startsWith("overlays")).toList();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everythingLandsInTheOverlaysNamespace(Manifests overlay) {
        List<String> namespaces = overlay.typed().stream().filter(r -> r.getKind().equals("Namespace"))
                .map(r -> r.getMetadata().getName()).toList();
        assertEquals(1, namespaces.size(), overlay + " creates its namespace");
        for (HasMetadata resource : overlay.typed()) {
            if (!resource.getKind().equals("Namespace")) {
                assertEquals(namespaces.getFirst(), resource.getMetadata().getNamespace(),
                             overlay + ": " + resource.getKind() + " " + resource.getMetadata().getName());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyImageIsTagged(Manifests overlay) {
        List<Container> containers = new ArrayList<>();
        overlay.knativeServices().forEach(s -> containers.addAll(s.getSpec().getTemplate().getSpec().getContainers()));
        overlay.deployments().forEach(d -> containers.addAll(d.getSpec().getTemplate().getSpec().getContainers()));
        for (Container container : containers) {
            String image = container.getImage();
            assertTrue(image.contains("@") || image.substring(image.lastIndexOf('/') + 1).contains(":"),
                       overlay + ": image " + image + " has no tag; add it to the overlay's images");
        }
    }

    @Test
    void prodRunsTwoOfEverythingAlwaysOn() {
        Manifests prod = Manifests.render(Manifests.ROOT.resolve("overlays/prod"));
        for (Service subscription : prod.servicesWithComponent("subscription")) {
            assertEquals("2", subscription.getSpec().getTemplate().getMetadata().getAnnotations().get("autoscaling.knative.dev/min-scale"),
                         subscription.getMetadata().getName());
        }
        Deployment worker = prod.deployments().getFirst();
        assertEquals(2, worker.getSpec().getReplicas());
        assertEquals("1Gi", worker.getSpec().getTemplate().getSpec().getContainers().getFirst().getResources().getLimits().get("memory").toString());
        assertTrue(prod.knativeServices().stream().allMatch(s -> s.getSpec().getTemplate().getSpec().getContainers().getFirst()
                .getImage().startsWith("registry.example.com/drover/")), "prod pulls from its registry");
    }

    /**
     * The tests' renderer agrees with kustomize itself, where kubectl is installed (it is on the
     * development machines and CI; elsewhere this test is skipped, and the others still run).
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theRendererAgreesWithKubectlKustomize(Manifests overlay) throws Exception {
        Path out = Files.createTempFile("kustomize", ".yaml");
        try {
            Process kubectl;
            try {
                kubectl = new ProcessBuilder("kubectl", "kustomize", Manifests.ROOT.resolve(overlay.name()).toString())
                        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                assumeTrue(false, "kubectl is not installed");
                return;
            }
            assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize took over a minute");
            assertEquals(0, kubectl.exitValue(), "kubectl kustomize " + overlay.name() + " failed: "
                    + Files.readString(out, StandardCharsets.UTF_8));
            Map<String, String> kustomize = canonical(Kustomize.Yaml.readAll(out));
            Map<String, String> renderer = canonical(overlay.raw());
            assertEquals(kustomize.keySet(), renderer.keySet(), overlay + ": the same resources");
            kustomize.forEach((key, json) -> assertEquals(json, renderer.get(key), overlay + ": " + key));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Resources by kind/name, as JSON with sorted keys (kustomize sorts keys and resources; the renderer keeps file order). */
    private static Map<String, String> canonical(List<Map<String, Object>> resources) throws Exception {
        Map<String, String> byKey = new TreeMap<>();
        for (Map<String, Object> resource : resources) {
            Object tree = Manifests.SERIALIZATION.convertValue(Manifests.typed(resource), Object.class);
            byKey.put(resource.get("kind") + "/" + Kustomize.map(resource.get("metadata")).get("name"), CANONICAL.writeValueAsString(tree));
        }
        return byKey;
    }

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
}
