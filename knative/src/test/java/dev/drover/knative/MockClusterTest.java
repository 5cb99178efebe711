package dev.drover.knative;

import io.fabric8.knative.client.KnativeClient;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rendered dev overlay, applied to fabric8's mock API server (CRUD mode) and read back through the
 * Knative client: what a cluster would store is what the manifests say.
 */
@EnableKubernetesMockClient(crud = true)
class MockClusterTest {
    static KubernetesClient client;

    @Test
    void theDevOverlayAppliesAndReadsBackThroughTheKnativeClient() {
        Manifests dev = Manifests.render(Manifests.ROOT.resolve("overlays/dev"));
        String namespace = "drover-dev";
        for (HasMetadata resource : dev.typed()) {
            if (resource instanceof GenericKubernetesResource generic) {
                client.genericKubernetesResources(context(generic)).inNamespace(namespace).resource(generic).create();
            } else {
                client.resource(resource).create();
            }
        }

        KnativeClient knative = client.adapt(KnativeClient.class);
        assertEquals(byName(dev.knativeServices()), byName(knative.services().inNamespace(namespace).list().getItems()));
        assertEquals(byName(dev.triggers()), byName(knative.triggers().inNamespace(namespace).list().getItems()));
        assertEquals(byName(dev.brokers()), byName(knative.brokers().inNamespace(namespace).list().getItems()));
        assertEquals(byName(dev.pingSources()), byName(knative.pingSources().inNamespace(namespace).list().getItems()));

        // a few fields that matter, read back typed
        Service relay = knative.services().inNamespace(namespace).withName("step-relay").get();
        assertEquals("step-relay", relay.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                .filter(e -> e.getName().equals("FUNCTION")).findFirst().orElseThrow().getValue());
        assertEquals("dev.local/drover/drover-functions:0.1.0-SNAPSHOT", relay.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage());
        Trigger trigger = knative.triggers().inNamespace(namespace).withName("hello-migrator-steps").get();
        assertEquals(Map.of("type", "dev.drover.step.dispatched", "migratorapp", "hello-migrator"),
                     trigger.getSpec().getFilter().getAttributes());
        PingSource ping = knative.pingSources().inNamespace(namespace).withName("hello-migrator-discover").get();
        assertEquals("*/15 * * * *", ping.getSpec().getSchedule());
        assertEquals("/discover", ping.getSpec().getSink().getUri());

        GenericKubernetesResource pubsub = client.genericKubernetesResources(context(dev.daprComponents().getFirst()))
                .inNamespace(namespace).withName("pubsub").get();
        assertEquals("pubsub.redis", Kustomize.map(pubsub.getAdditionalProperties().get("spec")).get("type"));
        assertEquals("drover-dev", client.configMaps().inNamespace(namespace).withName("drover-config").get()
                .getData().get("TEMPORAL_NAMESPACE"));
        assertEquals(1, client.apps().deployments().inNamespace(namespace).list().getItems().size());
    }

    private static ResourceDefinitionContext context(GenericKubernetesResource resource) {
        String[] apiVersion = resource.getApiVersion().split("/");
        return new ResourceDefinitionContext.Builder()
                .withGroup(apiVersion[0]).withVersion(apiVersion[1]).withKind(resource.getKind())
                .withPlural(resource.getKind().toLowerCase() + "s").withNamespaced(true).build();
    }

    /** Resources by name, as canonical JSON of their spec (the server adds metadata of its own). */
    private static <T extends HasMetadata> Map<String, String> byName(List<T> resources) {
        return resources.stream().collect(Collectors.toMap(r -> r.getMetadata().getName(),
                                                           r -> Manifests.SERIALIZATION.asJson(spec(r)),
                                                           (a, b) -> a, java.util.TreeMap::new));
    }

    private static Object spec(HasMetadata resource) {
        Function<HasMetadata, Object> spec = r -> switch (r) {
            case Service s -> s.getSpec();
            case Trigger t -> t.getSpec();
            case PingSource p -> p.getSpec();
            case io.fabric8.knative.eventing.v1.Broker b -> b.getSpec();
            default -> throw new IllegalArgumentException(r.getKind());
        };
        return spec.apply(resource);
    }
}
