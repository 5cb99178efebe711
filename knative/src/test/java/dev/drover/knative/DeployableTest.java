package dev.drover.knative;

import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1.SinkBinding;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a real cluster would refuse or get wrong although the manifests render (issue 12): Knative's default
 * feature flags, image tags the build makes, migrators that reach zero, Dapr under the restricted Pod Security
 * Standard and on shutdown, bounded streams, the Component before the workloads, the Broker's class and the
 * relay's sink.
 */
class DeployableTest {
    static List<Manifests> rendered() {
        return Manifests.all();
    }

    static List<Manifests> overlays() {
        return OverlayTest.overlays();
    }

    /** Knative's default {@code kubernetes.podspec-fieldref: disabled}: a Service with a fieldRef is refused. */
    @ParameterizedTest
    @MethodSource("rendered")
    void noKnativeServiceReadsAFieldRef(Manifests manifests) {
        for (Service service : manifests.knativeServices()) {
            for (var container : service.getSpec().getTemplate().getSpec().getContainers()) {
                for (EnvVar variable : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
                    assertTrue(variable.getValueFrom() == null || variable.getValueFrom().getFieldRef() == null,
                               manifests + ": Knative Service " + service.getMetadata().getName() + " reads " + variable.getName()
                                       + " with a fieldRef, which Knative refuses by default (kubernetes.podspec-fieldref)");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void droverNamespaceIsTheOverlaysNamespace(Manifests overlay) {
        assertEquals(overlay.config().getMetadata().getNamespace(), overlay.config().getData().get("DROVER_NAMESPACE"),
                     overlay + ": DROVER_NAMESPACE in drover-config (the migrators' MIGRATOR_URL is built from it)");
    }

    @Test
    void theReadmeNoLongerAsksForTheFieldRefFlag() throws IOException {
        String readme = Files.readString(Manifests.ROOT.resolve("README.md"));
        assertFalse(readme.contains("\"kubernetes.podspec-fieldref\":\"enabled\""),
                    "knative/README.md asks operators to enable kubernetes.podspec-fieldref, which nothing needs any more");
    }

    /** Every overlay names the tag the build gives its images: drover.image.tag (root pom), read from the image Jib built. */
    @ParameterizedTest
    @MethodSource("overlays")
    void overlaysUseTheTagTheBuildMakes(Manifests overlay) throws IOException {
        String built = ImageConfigTest.repoTag(Manifests.ROOT.resolve("../functions/app"));
        String tag = built.substring(built.lastIndexOf(':') + 1);
        Map<String, Object> kustomization = Kustomize.Yaml.readOne(Manifests.ROOT.resolve(overlay.name()).resolve("kustomization.yaml"));
        Set<String> named = new java.util.HashSet<>();
        for (Object entry : Kustomize.list(kustomization.get("images"))) {
            Map<String, Object> image = Kustomize.map(entry);
            named.add((String) image.get("name"));
            assertEquals(tag, String.valueOf(image.get("newTag")),
                         overlay + ": image " + image.get("name") + " must be tagged " + tag + ", the tag the build makes (drover.image.tag)");
        }
        Set<String> used = Manifests.base().typed().stream().flatMap(r -> containers(r).stream()).collect(Collectors.toSet());
        assertEquals(used, named, overlay + ": the overlay's images name every image the base uses");
    }

    private static List<String> containers(HasMetadata resource) {
        List<String> images = new ArrayList<>();
        if (resource instanceof Service s) {
            s.getSpec().getTemplate().getSpec().getContainers().forEach(c -> images.add(c.getImage()));
        } else if (resource instanceof Deployment d) {
            d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> images.add(c.getImage()));
        }
        return images;
    }

    /**
     * A migrator reaches zero between two discoveries: the PingSource's interval exceeds its scale-down delay plus
     * Knative's stable window (60 s) and a minute for the discovery itself.
     */
    @ParameterizedTest
    @MethodSource("rendered")
    void migratorsScaleToZeroBetweenDiscoveries(Manifests manifests) {
        for (PingSource ping : manifests.pingSources()) {
            String target = ping.getSpec().getSink().getRef().getName();
            Service migrator = manifests.knativeService(target).orElseThrow();
            String delay = migrator.getSpec().getTemplate().getMetadata().getAnnotations()
                    .getOrDefault("autoscaling.knative.dev/scale-down-delay", "0s");
            Duration up = duration(delay).plusSeconds(60).plusMinutes(1);
            Duration interval = Duration.ofMinutes(cronIntervalMinutes(ping.getSpec().getSchedule()));
            assertTrue(interval.compareTo(up) > 0, manifests + ": " + target + " is woken every " + interval.toMinutes()
                    + " min but stays up " + delay + " after its last request: it never reaches zero");
        }
    }

    /** The shortest gap of the cron forms the manifests use: "*&#47;N * * * *", "M * * * *", "M H * * *". */
    static long cronIntervalMinutes(String schedule) {
        String[] f = schedule.trim().split("\\s+");
        assertEquals(5, f.length, "cron schedule " + schedule);
        boolean restAny = f[2].equals("*") && f[3].equals("*") && f[4].equals("*");
        assertTrue(restAny, "the tests read minute and hour fields only: " + schedule);
        if (f[0].startsWith("*/") && f[1].equals("*")) {
            return Long.parseLong(f[0].substring(2));
        } else if (f[0].matches("\\d+") && f[1].equals("*")) {
            return 60;
        } else if (f[0].matches("\\d+") && f[1].matches("\\d+")) {
            return 24 * 60;
        }
        throw new AssertionError("a cron form the tests do not read: " + schedule);
    }

    static Duration duration(String knative) {
        var m = java.util.regex.Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?").matcher(knative);
        assertTrue(m.matches() && !knative.isEmpty(), "a duration the tests read: " + knative);
        return Duration.ofHours(m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
                .plusMinutes(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
                .plusSeconds(m.group(3) == null ? 0 : Long.parseLong(m.group(3)));
    }

    /** Under the restricted Pod Security Standard every container needs a seccomp profile, Dapr's injected one too. */
    @ParameterizedTest
    @MethodSource("rendered")
    void everyDaprSidecarHasASeccompProfile(Manifests manifests) {
        for (Map.Entry<String, Map<String, String>> pod : daprPods(manifests).entrySet()) {
            assertEquals("RuntimeDefault", pod.getValue().get("dapr.io/sidecar-seccomp-profile-type"),
                         manifests + ": " + pod.getKey() + ": dapr.io/sidecar-seccomp-profile-type");
        }
    }

    /** The worker's sidecar keeps its API while the worker finishes, and all of it fits in the pod's grace period. */
    @ParameterizedTest
    @MethodSource("rendered")
    void theWorkersSidecarOutlivesItsShutdownWithinTheGracePeriod(Manifests manifests) {
        Deployment worker = manifests.deployments().stream().filter(d -> d.getMetadata().getName().equals("drover-worker")).findFirst().orElseThrow();
        Map<String, String> annotations = worker.getSpec().getTemplate().getMetadata().getAnnotations();
        long grace = worker.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        String block = annotations.get("dapr.io/block-shutdown-duration");
        assertNotNull(block, "the worker publishes while it stops: its sidecar must block its shutdown (dapr.io/block-shutdown-duration)");
        long graceful = Long.parseLong(annotations.getOrDefault("dapr.io/graceful-shutdown-seconds", "5"));
        assertTrue(duration(block).getSeconds() >= grace - 15, manifests + ": the sidecar's API stays up about as long as the worker may run ("
                + block + " of " + grace + " s)");
        assertTrue(duration(block).getSeconds() + graceful <= grace,
                   manifests + ": block-shutdown-duration + graceful-shutdown-seconds fit in terminationGracePeriodSeconds");
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void redisStreamsAreBounded(Manifests manifests) {
        for (GenericKubernetesResource component : manifests.daprComponents()) {
            Map<String, String> metadata = DaprComponent.metadataValues(component);
            assertTrue(metadata.containsKey("maxLenApprox") || metadata.containsKey("streamTTL"),
                       manifests + ": Component " + component.getMetadata().getName() + " lets its streams grow without bound");
            if (metadata.containsKey("maxLenApprox")) {
                assertTrue(Long.parseLong(metadata.get("maxLenApprox")) >= 10_000, "maxLenApprox leaves room for a backlog");
            }
        }
    }

    /** kubectl applies in the order kustomize writes: the Dapr Component before any pod that would load it. */
    @ParameterizedTest
    @MethodSource("overlays")
    void theComponentComesBeforeTheWorkloads(Manifests overlay) throws Exception {
        assertComponentFirst(overlay + " (renderer)", overlay.raw().stream().map(r -> (String) r.get("kind")).toList());
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
            assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, kubectl.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            assertComponentFirst(overlay + " (kubectl kustomize)",
                                 Kustomize.Yaml.readAll(out).stream().map(r -> (String) r.get("kind")).toList());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void assertComponentFirst(String what, List<String> kinds) {
        int component = kinds.indexOf("Component");
        assertTrue(component >= 0, what + ": no Component");
        for (String workload : List.of("Service", "Deployment")) {
            assertTrue(kinds.indexOf(workload) > component, what + ": " + workload + " before the Dapr Component: " + kinds);
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void theBrokerNamesItsClass(Manifests manifests) {
        for (Broker broker : manifests.brokers()) {
            assertEquals("MTChannelBasedBroker", broker.getMetadata().getAnnotations().get("eventing.knative.dev/broker.class"),
                         manifests + ": Broker " + broker.getMetadata().getName() + " class (fixed at creation)");
        }
    }

    /** step-relay's sink comes from the platform: a SinkBinding on it names the Broker the Triggers listen on. */
    @ParameterizedTest
    @MethodSource("rendered")
    void theStepRelaysSinkIsTheBrokerThroughASinkBinding(Manifests manifests) {
        List<SinkBinding> bindings = manifests.of(SinkBinding.class);
        assertEquals(1, bindings.size(), manifests + ": one SinkBinding");
        SinkBinding binding = bindings.getFirst();
        assertEquals("serving.knative.dev/v1", binding.getSpec().getSubject().getApiVersion());
        assertEquals("Service", binding.getSpec().getSubject().getKind());
        assertEquals("step-relay", binding.getSpec().getSubject().getName());
        assertTrue(manifests.knativeService("step-relay").isPresent());
        var sink = binding.getSpec().getSink().getRef();
        assertEquals("eventing.knative.dev/v1", sink.getApiVersion());
        assertEquals("Broker", sink.getKind());
        Set<String> triggerBrokers = manifests.triggers().stream().map(t -> t.getSpec().getBroker()).collect(Collectors.toSet());
        assertEquals(Set.of(sink.getName()), triggerBrokers, manifests + ": the relay's sink is the Triggers' Broker");
        assertTrue(manifests.brokers().stream().anyMatch(b -> b.getMetadata().getName().equals(sink.getName())));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void sinkBindingsActInTheNamespace(Manifests overlay) {
        ObjectMeta namespace = overlay.typed().stream().filter(r -> r.getKind().equals("Namespace")).findFirst().orElseThrow().getMetadata();
        assertEquals("true", namespace.getLabels().get("bindings.knative.dev/include"),
                     overlay + ": the namespace opts in to SinkBinding (Eventing's inclusion mode)");
    }

    /**
     * A function's Service carries the Secrets of what its process opens, and no others (Main opens only what the
     * function holds, PlatformUse): REDIS_URL iff Redis, HISTORY_DB_* iff the history database. The step relay needs
     * neither, so it cannot be kept from starting by a Secret it never uses.
     */
    @ParameterizedTest
    @MethodSource("rendered")
    void eachFunctionGetsTheSecretsOfWhatItOpensAndNoOthers(Manifests manifests) {
        for (dev.drover.core.function.FunctionSpec spec : Functions.specs()) {
            dev.drover.functions.PlatformUse use = Functions.use(spec.name());
            Service service = manifests.knativeService(spec.name()).orElseThrow();
            Set<String> env = service.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                    .map(EnvVar::getName).collect(Collectors.toSet());
            assertEquals(use.redis(), env.contains("REDIS_URL"), manifests + ": " + spec.name() + " REDIS_URL (uses Redis: " + use.redis() + ")");
            for (String history : List.of("HISTORY_DB_URL", "HISTORY_DB_USER", "HISTORY_DB_PASSWORD")) {
                assertEquals(use.history(), env.contains(history),
                             manifests + ": " + spec.name() + " " + history + " (uses the history database: " + use.history() + ")");
            }
        }
    }

    /**
     * Knative's webhook rules beyond the schema: one container port (at most one per Service), none of the
     * variables Knative sets itself (PORT, K_SERVICE, K_CONFIGURATION, K_REVISION; K_SINK is the SinkBinding's), and
     * Trigger filter attributes that are CloudEvents attribute names (lower-case letters and digits, at most 20).
     */
    @ParameterizedTest
    @MethodSource("rendered")
    void knativesWebhookRulesHold(Manifests manifests) {
        Set<String> reserved = Set.of("PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION", "K_SINK", "K_CE_OVERRIDES");
        for (Service service : manifests.knativeServices()) {
            var containers = service.getSpec().getTemplate().getSpec().getContainers();
            long ports = containers.stream().mapToLong(c -> c.getPorts() == null ? 0 : c.getPorts().size()).sum();
            assertTrue(ports <= 1, manifests + ": " + service.getMetadata().getName() + " declares " + ports + " ports; Knative takes one");
            for (var container : containers) {
                for (EnvVar variable : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
                    assertFalse(reserved.contains(variable.getName()),
                                manifests + ": " + service.getMetadata().getName() + " sets " + variable.getName() + ", which Knative sets");
                }
            }
        }
        for (var trigger : manifests.triggers()) {
            for (String attribute : trigger.getSpec().getFilter().getAttributes().keySet()) {
                assertTrue(attribute.matches("[a-z0-9]{1,20}"), manifests + ": Trigger " + trigger.getMetadata().getName()
                        + " filters on '" + attribute + "', not a CloudEvents attribute name");
            }
        }
    }

    /** Pod annotations of every Dapr-enabled workload, by name. */
    static Map<String, Map<String, String>> daprPods(Manifests manifests) {
        Map<String, Map<String, String>> pods = new java.util.TreeMap<>();
        for (Service service : manifests.knativeServices()) {
            Map<String, String> a = service.getSpec().getTemplate().getMetadata().getAnnotations();
            if (a != null && "true".equals(a.get("dapr.io/enabled"))) {
                pods.put("Service " + service.getMetadata().getName(), a);
            }
        }
        for (Deployment deployment : manifests.deployments()) {
            Map<String, String> a = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
            if (a != null && "true".equals(a.get("dapr.io/enabled"))) {
                pods.put("Deployment " + deployment.getMetadata().getName(), a);
            }
        }
        assertFalse(pods.isEmpty(), manifests + ": no Dapr-enabled workload");
        return pods;
    }
}
