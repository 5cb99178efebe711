package dev.drover.knative;

import dev.drover.contract.run.StepEvent;
import io.fabric8.knative.duck.v1.Destination;
import io.fabric8.knative.duck.v1.KReference;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Migrators and the eventing around them: the list in base/migrators/kustomization.yaml is what is
 * deployed, each migrator is woken for exactly its steps and for discovery, and every delivery has
 * somewhere to go when it fails.
 */
class EventingManifestTest {
    /** The migrator app contract (knative/README.md). */
    static final String STEPS_ROUTE = "/steps";
    static final String DISCOVER_ROUTE = "/discover";

    static List<Manifests> rendered() {
        return Manifests.all();
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void theMigratorListIsWhatIsDeployed(Manifests manifests) {
        Set<String> listed = new TreeSet<>(Manifests.migrators());
        Set<String> services = manifests.servicesWithComponent("migrator").stream()
                .map(s -> s.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(listed, services, manifests + ": Knative Services labelled component=migrator vs base/migrators/kustomization.yaml");

        GenericKubernetesResource pubsub = manifests.daprComponents().getFirst();
        Object scopes = pubsub.getAdditionalProperties().get("scopes");
        Map<String, Set<String>> publishing = DaprComponent.scopes(DaprComponent.metadataValues(pubsub).get("publishingScopes"));
        for (String migrator : listed) {
            assertTrue(scopes instanceof List<?> list && list.contains(migrator),
                       manifests + ": migrator " + migrator + " must be in the scopes of the pubsub component (dapr/pubsub.yaml) to announce");
            assertEquals(Set.of("migration-registry"), publishing.get(migrator),
                         manifests + ": migrator " + migrator + " publishes its announcement, and nothing else (publishingScopes)");
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void migratorsScaleToZeroAndAreWokenForExactlyTheirStepsAndForDiscovery(Manifests manifests) {
        for (String migrator : Manifests.migrators()) {
            Service service = manifests.knativeService(migrator).orElseThrow();
            assertEquals("0", service.getSpec().getTemplate().getMetadata().getAnnotations().get("autoscaling.knative.dev/min-scale"),
                         manifests + ": migrator " + migrator + " scales to zero");

            List<Trigger> triggers = manifests.triggers().stream()
                    .filter(t -> migrator.equals(t.getSpec().getSubscriber().getRef().getName()))
                    .toList();
            assertEquals(1, triggers.size(), manifests + ": one Trigger delivers to " + migrator);
            Trigger trigger = triggers.getFirst();
            assertEquals(Map.of("type", StepEvent.TYPE, StepEvent.MIGRATOR_EXTENSION, migrator),
                         trigger.getSpec().getFilter().getAttributes(),
                         manifests + ": Trigger " + trigger.getMetadata().getName() + " must pass only " + migrator + "'s step events");
            assertEquals(STEPS_ROUTE, trigger.getSpec().getSubscriber().getUri());

            List<PingSource> pings = manifests.pingSources().stream()
                    .filter(p -> migrator.equals(p.getSpec().getSink().getRef().getName()))
                    .toList();
            assertEquals(1, pings.size(), manifests + ": one PingSource runs " + migrator + "'s discovery");
            assertEquals(DISCOVER_ROUTE, pings.getFirst().getSpec().getSink().getUri());
            assertTrue(pings.getFirst().getSpec().getSchedule().split(" ").length == 5,
                       "cron schedule of " + pings.getFirst().getMetadata().getName());
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everySubscriberSinkAndBrokerExists(Manifests manifests) {
        Set<String> brokers = manifests.brokers().stream().map(b -> b.getMetadata().getName()).collect(Collectors.toSet());
        for (Trigger trigger : manifests.triggers()) {
            String name = "Trigger " + trigger.getMetadata().getName();
            assertTrue(brokers.contains(trigger.getSpec().getBroker()), manifests + ": " + name + " names broker "
                    + trigger.getSpec().getBroker() + ", which is not deployed");
            assertResolves(manifests, name + " subscriber", trigger.getSpec().getSubscriber());
            assertNotNull(trigger.getSpec().getDelivery(), manifests + ": " + name + " has no delivery (retries, dead letters)");
            assertResolves(manifests, name + " dead-letter sink", trigger.getSpec().getDelivery().getDeadLetterSink());
            assertTrue(trigger.getSpec().getDelivery().getRetry() >= 3, name + " retries");
        }
        for (PingSource ping : manifests.pingSources()) {
            assertResolves(manifests, "PingSource " + ping.getMetadata().getName() + " sink", ping.getSpec().getSink());
        }
        for (Broker broker : manifests.brokers()) {
            assertNotNull(broker.getSpec().getDelivery(), manifests + ": Broker " + broker.getMetadata().getName() + " delivery");
            assertResolves(manifests, "Broker " + broker.getMetadata().getName() + " dead-letter sink",
                           broker.getSpec().getDelivery().getDeadLetterSink());
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void theStepRelayPushesToTheBrokerTheTriggersListenOn(Manifests manifests) {
        String namespace = manifests.brokers().getFirst().getMetadata().getNamespace();
        if (namespace == null) {
            return; // the base has no namespace: only overlays are deployable, and they set one
        }
        Set<String> triggerBrokers = manifests.triggers().stream().map(t -> t.getSpec().getBroker()).collect(Collectors.toSet());
        assertEquals(1, triggerBrokers.size(), "one broker for step events");
        // Knative's multi-tenant broker ingress: http://broker-ingress.knative-eventing.svc.cluster.local/<namespace>/<broker>
        URI expected = URI.create("http://broker-ingress.knative-eventing.svc.cluster.local/" + namespace + "/" + triggerBrokers.iterator().next());
        assertEquals(expected, URI.create(manifests.config().getData().get("DROVER_BROKER_URL")),
                     manifests + ": DROVER_BROKER_URL in drover-config must be the Broker's address");
        assertEquals(URI.create("http://drover-api." + namespace + ".svc.cluster.local"),
                     URI.create(manifests.config().getData().get("DROVER_CALLBACK_URL")),
                     manifests + ": DROVER_CALLBACK_URL must be the API host, whose route sends /event/{runId} to step-callback");
    }

    private static void assertResolves(Manifests manifests, String what, Destination destination) {
        assertNotNull(destination, manifests + ": " + what + " is missing");
        KReference ref = destination.getRef();
        assertNotNull(ref, manifests + ": " + what + " must reference a Service (not a bare URI)");
        assertEquals("serving.knative.dev/v1", ref.getApiVersion(), what);
        assertEquals("Service", ref.getKind(), what);
        assertTrue(manifests.knativeService(ref.getName()).isPresent(),
                   manifests + ": " + what + " is Knative Service '" + ref.getName() + "', which is not deployed");
    }
}
