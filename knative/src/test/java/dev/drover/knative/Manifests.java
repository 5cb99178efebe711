package dev.drover.knative;

import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One rendered kustomization (the base or an overlay), as plain maps and as fabric8's typed models.
 * Knative and Kubernetes kinds become their fabric8 classes; a kind fabric8 has no model for (Dapr's
 * Component) stays a {@link GenericKubernetesResource}.
 */
record Manifests(String name, List<Map<String, Object>> raw, List<HasMetadata> typed) {
    /** knative/ (the module's directory, where Maven runs the tests). */
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** The base and every overlay: the checks that hold for all of them run on each. */
    static List<Manifests> all() {
        try (Stream<Path> overlays = Files.list(ROOT.resolve("overlays"))) {
            return Stream.concat(Stream.of(ROOT.resolve("base")), overlays.sorted())
                    .map(Manifests::render)
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Manifests base() {
        return render(ROOT.resolve("base"));
    }

    static Manifests render(Path dir) {
        List<Map<String, Object>> raw = Kustomize.build(dir);
        return new Manifests(ROOT.relativize(dir).toString(), raw, raw.stream().map(Manifests::typed).toList());
    }

    static HasMetadata typed(Map<String, Object> raw) {
        KubernetesResource resource = SERIALIZATION.convertValue(raw, KubernetesResource.class);
        if (resource instanceof HasMetadata typed) {
            return typed;
        }
        throw new IllegalArgumentException("not a Kubernetes object: " + raw);
    }

    <T extends HasMetadata> List<T> of(Class<T> type) {
        return typed.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<Service> knativeServices() {
        return of(Service.class);
    }

    List<Service> servicesWithComponent(String component) {
        return knativeServices().stream()
                .filter(s -> component.equals(s.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .toList();
    }

    Optional<Service> knativeService(String name) {
        return knativeServices().stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst();
    }

    List<Trigger> triggers() {
        return of(Trigger.class);
    }

    List<PingSource> pingSources() {
        return of(PingSource.class);
    }

    List<Broker> brokers() {
        return of(Broker.class);
    }

    List<Deployment> deployments() {
        return of(Deployment.class);
    }

    ConfigMap config() {
        return of(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals("drover-config"))
                .findFirst().orElseThrow(() -> new AssertionError(name + ": no ConfigMap drover-config"));
    }

    List<GenericKubernetesResource> daprComponents() {
        return of(GenericKubernetesResource.class).stream()
                .filter(r -> r.getApiVersion().startsWith("dapr.io/") && r.getKind().equals("Component"))
                .toList();
    }

    /** The migrators deployed: the files listed in base/migrators/kustomization.yaml, one per migrator. */
    static List<String> migrators() {
        return Kustomize.list(Kustomize.Yaml.readOne(ROOT.resolve("base/migrators/kustomization.yaml")).get("resources"))
                .stream()
                .map(file -> ((String) file).replaceFirst("\\.yaml$", ""))
                .toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
