package dev.drover.knative;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ./drover deploy --check against fabric8's mock API server: a cluster with everything, then without one thing each. */
@EnableKubernetesMockClient(crud = true)
class DeployCheckTest {
    static KubernetesClient client;

    @BeforeEach
    void aClusterWithEverything() {
        client.apiextensions().v1().customResourceDefinitions().delete();
        client.apps().deployments().inAnyNamespace().delete();
        for (DeployCheck.Needed needed : DeployCheck.CRDS) {
            String[] parts = needed.crd().split("\\.", 2);
            client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                    .withNewMetadata().withName(needed.crd()).endMetadata()
                    .withNewSpec().withGroup(parts[1]).withScope("Namespaced")
                    .withNewNames().withPlural(parts[0]).withKind(parts[0]).endNames()
                    .addNewVersion().withName(needed.version()).withServed(true).withStorage(true).endVersion()
                    .endSpec().build()).create();
        }
        deployment("dapr-system", "dapr-sidecar-injector", 1);
        DeployCheck.BROKER.forEach(name -> deployment("knative-eventing", name, 1));
        client.resource(new GatewayClassBuilder().withNewMetadata().withName("istio").endMetadata()
                                .withNewSpec().withControllerName("istio.io/gateway-controller").endSpec().build()).createOr(r -> r.update());
        client.resource(new ServiceBuilder().withNewMetadata().withName("knative-local-gateway").withNamespace("istio-system").endMetadata()
                                .withNewSpec().addNewPort().withPort(80).endPort().endSpec().build()).createOr(r -> r.update());
    }

    private static void deployment(String namespace, String name, int ready) {
        client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withReplicas(1).endSpec()
                .withNewStatus().withReadyReplicas(ready).endStatus().build()).create();
    }

    private static List<DeployCheck.Finding> check() throws Exception {
        return DeployCheck.check(client, Manifests.ROOT, "overlays/dev");
    }

    @Test
    void aClusterWithEveryPrerequisitePasses() throws Exception {
        List<DeployCheck.Finding> findings = check();
        assertTrue(findings.stream().allMatch(DeployCheck.Finding::ok), findings.toString());
        assertEquals(DeployCheck.CRDS.size() + 1 + DeployCheck.BROKER.size() + 2, findings.size(), findings.toString());
    }

    @Test
    void eachMissingPrerequisiteIsNamed() throws Exception {
        client.apiextensions().v1().customResourceDefinitions().withName("httproutes.gateway.networking.k8s.io").delete();
        client.apps().deployments().inNamespace("dapr-system").withName("dapr-sidecar-injector").delete();
        deployment("dapr-system", "dapr-sidecar-injector", 0);
        client.apps().deployments().inNamespace("knative-eventing").withName("mt-broker-ingress").delete();
        client.services().inNamespace("istio-system").withName("knative-local-gateway").delete();
        List<String> missing = check().stream().filter(f -> !f.ok()).map(DeployCheck.Finding::what).toList();
        assertEquals(4, missing.size(), missing.toString());
        assertTrue(missing.get(0).contains("httproutes.gateway.networking.k8s.io") && missing.get(0).contains("not installed"), missing.toString());
        assertTrue(missing.get(1).contains("dapr-sidecar-injector") && missing.get(1).contains("no ready replica"), missing.toString());
        assertTrue(missing.get(2).contains("mt-broker-ingress") && missing.get(2).contains("MTChannelBasedBroker"), missing.toString());
        assertTrue(missing.get(3).contains("istio-system/knative-local-gateway"), missing.toString());
    }

    @Test
    void aCrdWithoutTheVersionTheManifestsUseIsNamed() throws Exception {
        client.apiextensions().v1().customResourceDefinitions().withName("components.dapr.io").delete();
        client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("components.dapr.io").endMetadata()
                .withNewSpec().withGroup("dapr.io").withScope("Namespaced")
                .withNewNames().withPlural("components").withKind("Component").endNames()
                .addNewVersion().withName("v2").withServed(true).withStorage(true).endVersion()
                .endSpec().build()).create();
        List<String> missing = check().stream().filter(f -> !f.ok()).map(DeployCheck.Finding::what).toList();
        assertEquals(1, missing.size(), missing.toString());
        assertTrue(missing.getFirst().contains("v1alpha1") && missing.getFirst().contains("[v2]"), missing.getFirst());
    }
}
