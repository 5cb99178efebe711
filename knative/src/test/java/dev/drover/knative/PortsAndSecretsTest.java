package dev.drover.knative;

import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ports that Knative's queue-proxy needs stay free; probes hit the health endpoints; secrets are referenced. */
class PortsAndSecretsTest {
    /**
     * Ports Knative Serving reserves in every pod: queue-proxy's HTTP (8012) and HTTP/2 (8013) ports, its
     * admin port (8022), its TLS port (8112), autoscaling metrics (9090), user metrics (9091), profiling (8008).
     */
    static final Set<Integer> KNATIVE_PORTS = Set.of(8008, 8012, 8013, 8022, 8112, 9090, 9091);
    /** Dapr annotations that move one of the sidecar's ports (or name the app's). */
    static final List<String> DAPR_PORT_ANNOTATIONS = List.of("dapr.io/app-port", "dapr.io/metrics-port", "dapr.io/http-port",
                                                              "dapr.io/grpc-port", "dapr.io/internal-grpc-port",
                                                              "dapr.io/sidecar-metrics-port", "dapr.io/profile-port");
    private static final Pattern SECRET_LIKE = Pattern.compile("(?i).*(password|token|secret|credential|redis_url|database_url|db_url).*");

    static List<Manifests> rendered() {
        return Manifests.all();
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void noPortClashesWithKnativeAndDaprMetricsMoveOff9090(Manifests manifests) {
        List<HasMetadata> workloads = new ArrayList<>(manifests.knativeServices());
        workloads.addAll(manifests.deployments());
        for (HasMetadata workload : workloads) {
            String name = workload.getKind() + " " + workload.getMetadata().getName();
            for (Container container : podSpec(workload).getContainers()) {
                for (ContainerPort port : container.getPorts()) {
                    assertTrue(!KNATIVE_PORTS.contains(port.getContainerPort()), manifests + ": " + name + " uses Knative's port " + port.getContainerPort());
                }
            }
            Map<String, String> annotations = DaprComponent.podAnnotations(workload).orElse(Map.of());
            if (!"true".equals(annotations.get("dapr.io/enabled"))) {
                continue;
            }
            assertNotNull(annotations.get("dapr.io/metrics-port"),
                          manifests + ": " + name + ": set dapr.io/metrics-port; Dapr's default, 9090, is queue-proxy's");
            for (String annotation : DAPR_PORT_ANNOTATIONS) {
                if (annotations.containsKey(annotation)) {
                    int port = Integer.parseInt(annotations.get(annotation));
                    assertTrue(!KNATIVE_PORTS.contains(port), manifests + ": " + name + ": " + annotation + "=" + port + " is Knative's");
                }
            }
            if (annotations.containsKey("dapr.io/app-port")) {
                assertEquals(podSpec(workload).getContainers().getFirst().getPorts().getFirst().getContainerPort(),
                             Integer.parseInt(annotations.get("dapr.io/app-port")), manifests + ": " + name + ": app-port is the container's port");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everyServiceProbesItsHealthEndpointsAndRunsAsNonRoot(Manifests manifests) {
        for (Service service : manifests.knativeServices()) {
            Container container = service.getSpec().getTemplate().getSpec().getContainers().getFirst();
            String name = service.getMetadata().getName();
            assertNotNull(container.getReadinessProbe(), manifests + ": " + name + " readiness probe");
            assertTrue(container.getReadinessProbe().getHttpGet().getPath().startsWith("/observe/health"),
                       manifests + ": " + name + " readiness on the health endpoint");
            if (container.getLivenessProbe() != null) {
                assertTrue(container.getLivenessProbe().getHttpGet().getPath().startsWith("/observe/health"), name + " liveness");
            }
            assertEquals(Boolean.TRUE, container.getSecurityContext().getRunAsNonRoot(), manifests + ": " + name + " runs as non-root");
            assertNotNull(container.getResources().getRequests().get("memory"), name + " memory request");
            assertNotNull(container.getResources().getLimits().get("memory"), name + " memory limit");
            assertNotNull(service.getSpec().getTemplate().getSpec().getTimeoutSeconds(), name + " timeout");
        }
        for (Deployment deployment : manifests.deployments()) {
            assertEquals(Boolean.TRUE, deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot(),
                         deployment.getMetadata().getName() + " runs as non-root");
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void secretsAreReferencedNeverInlined(Manifests manifests) {
        assertEquals(List.of(), manifests.raw().stream().filter(r -> "Secret".equals(r.get("kind"))).toList(),
                     manifests + ": Secrets are created by the operator (knative/README.md), never shipped");
        manifests.config().getData().keySet().forEach(key -> assertTrue(!SECRET_LIKE.matcher(key).matches(),
                manifests + ": ConfigMap key " + key + " looks like a secret; reference a Secret instead"));
        for (Workload workload : Workload.all(manifests)) {
            for (EnvVar env : workload.container().getEnv()) {
                if (!SECRET_LIKE.matcher(env.getName()).matches()) {
                    continue;
                }
                if (env.getName().endsWith("_FILE")) {
                    // where a secret is, not the secret: a file on a read-only volume (e.g. a projected token)
                    assertTrue(env.getValue() != null && workload.mountHolding(env.getValue()).map(VolumeMount::getReadOnly).orElse(false),
                               manifests + ": " + workload + ": " + env.getName() + " must name a file on a read-only volume");
                } else {
                    assertTrue(env.getValue() == null && env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null,
                               manifests + ": " + workload.name() + " sets " + env.getName() + " inline; use secretKeyRef");
                }
            }
        }
        for (GenericKubernetesResource component : manifests.daprComponents()) {
            for (Object entry : Kustomize.list(Kustomize.map(component.getAdditionalProperties().get("spec")).get("metadata"))) {
                Map<String, Object> item = Kustomize.map(entry);
                if (SECRET_LIKE.matcher((String) item.get("name")).matches()) {
                    assertTrue(item.get("value") == null && item.get("secretKeyRef") != null,
                               manifests + ": Dapr component " + component.getMetadata().getName() + " has " + item.get("name") + " inline");
                }
            }
        }
    }

    /** What a secret value looks like: a JWT, a PEM block, a JWK's private part. */
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?s).*(eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.|-----BEGIN |\"d\"\\s*:).*");
    /** Annotations whose value names a Secret (Dapr reads the value there), never the value itself. */
    private static final List<String> SECRET_NAME_ANNOTATIONS = List.of("dapr.io/app-token-secret", "dapr.io/api-token-secret");
    private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    @ParameterizedTest
    @MethodSource("rendered")
    void noSecretValueAppearsAnywhere(Manifests manifests) {
        for (Map<String, Object> resource : manifests.raw()) {
            String what = resource.get("kind") + " " + Kustomize.map(resource.get("metadata")).get("name");
            strings(resource, "", (path, value) -> assertTrue(!SECRET_VALUE.matcher(value).matches(),
                    manifests + ": " + what + path + " holds what looks like a token or a private key; reference a Secret"));
        }
        for (Workload workload : Workload.all(manifests)) {
            for (String annotation : SECRET_NAME_ANNOTATIONS) {
                String value = workload.annotations().get(annotation);
                assertTrue(value == null || SECRET_NAME.matcher(value).matches(),
                           manifests + ": " + workload + ": " + annotation + " names a Secret; '" + value + "' is no Secret name");
            }
        }
    }

    /** Every Secret the manifests need is created in knative/README.md, with the keys they read. */
    @Test
    void theReadmeCreatesEverySecretTheManifestsNeedWithItsKeys() throws Exception {
        Map<String, Set<String>> created = new TreeMap<>();
        String readme = Files.readString(Manifests.ROOT.resolve("README.md")).replace("\\\n", " ");
        Matcher command = Pattern.compile("create secret generic ([a-z0-9-]+)([^\\n]*)").matcher(readme);
        while (command.find()) {
            Set<String> keys = created.computeIfAbsent(command.group(1), k -> new TreeSet<>());
            Matcher key = Pattern.compile("--from-(?:literal|file)=([A-Za-z0-9._-]+)=").matcher(command.group(2));
            while (key.find()) {
                keys.add(key.group(1));
            }
        }
        Manifests base = Manifests.base();
        Map<String, Set<String>> required = new TreeMap<>();
        Set<String> optional = new TreeSet<>();
        BiConsumer<String, String> need = (secret, key) -> {
            Set<String> keys = required.computeIfAbsent(secret, k -> new TreeSet<>());
            if (key != null) {
                keys.add(key);
            }
        };
        for (Workload workload : Workload.all(base)) {
            for (EnvVar env : workload.container().getEnv()) {
                SecretKeySelector ref = env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
                if (ref != null) {
                    if (Boolean.TRUE.equals(ref.getOptional())) {
                        optional.add(ref.getName());
                    } else {
                        need.accept(ref.getName(), ref.getKey());
                    }
                }
            }
            for (EnvFromSource from : workload.container().getEnvFrom()) {
                if (from.getSecretRef() != null) {
                    if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
                        optional.add(from.getSecretRef().getName());
                    } else {
                        need.accept(from.getSecretRef().getName(), null);
                    }
                }
            }
            for (Volume volume : workload.volumes()) {
                if (volume.getSecret() != null) {
                    if (Boolean.TRUE.equals(volume.getSecret().getOptional())) {
                        optional.add(volume.getSecret().getSecretName());
                    } else {
                        need.accept(volume.getSecret().getSecretName(), null);
                    }
                }
            }
            for (String annotation : SECRET_NAME_ANNOTATIONS) {
                if (workload.annotations().containsKey(annotation)) {
                    need.accept(workload.annotations().get(annotation), TrustBoundaryTest.DAPR_TOKEN_KEY);
                }
            }
        }
        for (GenericKubernetesResource component : base.daprComponents()) {
            for (Object entry : Kustomize.list(Kustomize.map(component.getAdditionalProperties().get("spec")).get("metadata"))) {
                if (Kustomize.map(entry).get("secretKeyRef") instanceof Map<?, ?> ref) {
                    need.accept((String) ref.get("name"), (String) ref.get("key"));
                }
            }
        }
        assertTrue(required.containsKey(TrustBoundaryTest.SIGNING_SECRET), "the signing key's Secret is among those needed");
        required.forEach((secret, keys) -> {
            assertTrue(created.containsKey(secret), "knative/README.md never creates Secret " + secret + " (kubectl create secret generic "
                    + secret + " ...), which the manifests need");
            assertTrue(created.get(secret).containsAll(keys), "knative/README.md creates Secret " + secret + " with keys "
                    + created.get(secret) + "; the manifests read " + keys);
        });
        optional.forEach(secret -> assertTrue(readme.contains(secret), "knative/README.md never mentions the optional Secret " + secret));
    }

    /** Calls back with every string in a YAML tree, and where it is. */
    private static void strings(Object node, String path, BiConsumer<String, String> visit) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> strings(v, path + "." + k, visit));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                strings(list.get(i), path + "[" + i + "]", visit);
            }
        } else if (node instanceof String value) {
            visit.accept(path, value);
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void theRedisStreamsComponentSetsItsRedeliveryExplicitly(Manifests manifests) {
        GenericKubernetesResource pubsub = manifests.daprComponents().stream()
                .filter(c -> c.getMetadata().getName().equals(manifests.config().getData().get("DROVER_PUBSUB")))
                .findFirst().orElseThrow();
        assertEquals("pubsub.redis", Kustomize.map(pubsub.getAdditionalProperties().get("spec")).get("type"));
        Map<String, String> metadata = DaprComponent.metadataValues(pubsub);
        assertTrue(metadata.get("processingTimeout").matches("\\d+[smh]"), "processingTimeout " + metadata.get("processingTimeout"));
        assertTrue(metadata.get("redeliverInterval").matches("\\d+[smh]"), "redeliverInterval " + metadata.get("redeliverInterval"));
    }

    static PodSpec podSpec(HasMetadata workload) {
        if (workload instanceof Service service) {
            PodSpec spec = new PodSpec();
            spec.setContainers(service.getSpec().getTemplate().getSpec().getContainers());
            return spec;
        }
        return ((Deployment) workload).getSpec().getTemplate().getSpec();
    }
}
