package dev.drover.knative;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./drover deploy --check}: whether the cluster of the current kubeconfig has what the manifests need before
 * {@code kubectl apply -k}: the CRDs (Knative Serving and Eventing, Gateway API, Dapr) at the versions the manifests
 * use, Dapr's sidecar injector, the broker class the Broker names, the Gateway's class, and the Knative local gateway
 * the API route sends to. It reads the cluster only.
 */
public final class DeployCheck {
    /** A CRD the manifests need, and the version they use. */
    record Needed(String crd, String version) {
    }

    static final List<Needed> CRDS = List.of(
            new Needed("services.serving.knative.dev", "v1"),
            new Needed("brokers.eventing.knative.dev", "v1"),
            new Needed("triggers.eventing.knative.dev", "v1"),
            new Needed("pingsources.sources.knative.dev", "v1"),
            new Needed("sinkbindings.sources.knative.dev", "v1"),
            new Needed("components.dapr.io", "v1alpha1"),
            new Needed("gatewayclasses.gateway.networking.k8s.io", "v1"),
            new Needed("gateways.gateway.networking.k8s.io", "v1"),
            new Needed("httproutes.gateway.networking.k8s.io", "v1"),
            new Needed("referencegrants.gateway.networking.k8s.io", "v1beta1"));

    /** The MTChannelBasedBroker's deployments (the class base/broker.yaml names). */
    static final List<String> BROKER = List.of("mt-broker-controller", "mt-broker-ingress", "mt-broker-filter");

    /** One line of the report. */
    public record Finding(boolean ok, String what) {
        @Override
        public String toString() {
            return (ok ? "ok       " : "MISSING  ") + what;
        }
    }

    private DeployCheck() {
    }

    /** @param knative the knative/ directory; @param overlay the overlay to be applied, e.g. overlays/dev */
    public static List<Finding> check(KubernetesClient client, Path knative, String overlay) throws IOException {
        List<Finding> findings = new ArrayList<>();
        for (Needed needed : CRDS) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(needed.crd()).get();
            boolean served = crd != null && crd.getSpec().getVersions().stream()
                    .anyMatch(v -> v.getName().equals(needed.version()) && Boolean.TRUE.equals(v.getServed()));
            findings.add(new Finding(served, "CRD " + needed.crd() + " serving " + needed.version()
                    + (crd == null ? " (not installed)" : served ? "" : " (installed, but not that version: "
                    + crd.getSpec().getVersions().stream().map(CustomResourceDefinitionVersion::getName).toList() + ")")));
        }
        findings.add(deployment(client, "dapr-system", "dapr-sidecar-injector", "Dapr's sidecar injector"));
        for (String name : BROKER) {
            findings.add(deployment(client, "knative-eventing", name, "the Broker's class MTChannelBasedBroker"));
        }
        for (HasMetadata resource : load(client, knative.resolve("base/api/gateway.yaml"))) {
            if (resource instanceof Gateway gateway) {
                String gatewayClass = gateway.getSpec().getGatewayClassName();
                boolean found = exists(() -> client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass.class)
                        .withName(gatewayClass).get());
                findings.add(new Finding(found, "GatewayClass " + gatewayClass + " (base/api/gateway.yaml; your Gateway API implementation's)"));
            }
        }
        for (HasMetadata resource : load(client, knative.resolve(overlay).resolve("api-route.yaml"))) {
            if (resource instanceof HTTPRoute route) {
                var ref = route.getSpec().getRules().getFirst().getBackendRefs().getFirst();
                boolean found = exists(() -> client.services().inNamespace(ref.getNamespace()).withName(ref.getName()).get());
                findings.add(new Finding(found, "Service " + ref.getNamespace() + "/" + ref.getName()
                        + ", Knative's local gateway, where the API route sends (" + overlay + "/api-route.yaml)"));
                break;
            }
        }
        return findings;
    }

    private static Finding deployment(KubernetesClient client, String namespace, String name, String why) {
        Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (deployment == null) {
            return new Finding(false, "Deployment " + namespace + "/" + name + " (" + why + ") is not installed");
        }
        Integer ready = deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas();
        return new Finding(ready != null && ready > 0, "Deployment " + namespace + "/" + name + " (" + why + ")"
                + (ready != null && ready > 0 ? "" : ": no ready replica"));
    }

    private static boolean exists(java.util.function.Supplier<Object> get) {
        try {
            return get.get() != null;
        } catch (KubernetesClientException e) {
            return false; // e.g. the kind is not known to the cluster at all
        }
    }

    private static List<HasMetadata> load(KubernetesClient client, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return client.load(in).items();
        }
    }

    /** {@code --check [overlay]} (default overlays/dev), run from the repository's root or knative/. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0 || !args[0].equals("--check")) {
            System.err.println("usage: ./drover deploy --check [overlays/dev|overlays/prod]");
            System.exit(2);
        }
        String overlay = args.length > 1 ? args[1].replaceFirst("^knative/", "") : "overlays/dev";
        Path knative = Files.isDirectory(Path.of("knative/base")) ? Path.of("knative") : Path.of(".");
        Map<String, String> env = System.getenv();
        Path kubeconfig = Path.of(env.getOrDefault("KUBECONFIG", System.getProperty("user.home") + "/.kube/config").split(java.io.File.pathSeparator)[0]);
        if (!Files.exists(kubeconfig) && env.get("KUBERNETES_SERVICE_HOST") == null) {
            System.err.println("drover: no kubeconfig (" + kubeconfig + ") and not in a cluster: nothing to check");
            System.exit(2);
        }
        List<Finding> findings;
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            System.out.println("cluster: " + client.getMasterUrl());
            findings = check(client, knative, overlay);
        } catch (KubernetesClientException e) {
            System.err.println("drover: the cluster did not answer: " + e.getMessage());
            System.exit(2);
            return;
        }
        findings.forEach(System.out::println);
        long missing = findings.stream().filter(f -> !f.ok()).count();
        System.out.println(missing == 0 ? "ready to apply: kubectl apply -k knative/cluster && kubectl apply -k knative/" + overlay
                : missing + " prerequisite(s) missing (knative/README.md, \"Prerequisites\")");
        System.exit(missing == 0 ? 0 : 1);
    }
}
