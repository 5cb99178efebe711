package dev.drover.knative;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.knative.serving.v1.Service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reading Dapr's Component (no fabric8 model) and the Dapr annotations of workloads. */
final class DaprComponent {
    private DaprComponent() {
    }

    /** The component's {@code spec.metadata} entries that have a literal value. */
    static Map<String, String> metadataValues(GenericKubernetesResource component) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Object entry : Kustomize.list(Kustomize.map(component.getAdditionalProperties().get("spec")).get("metadata"))) {
            Map<String, Object> item = Kustomize.map(entry);
            if (item.get("value") != null) {
                values.put((String) item.get("name"), String.valueOf(item.get("value")));
            }
        }
        return values;
    }

    /** Dapr's {@code app1=topic1,topic2;app2=} scope syntax. */
    static Map<String, Set<String>> scopes(String value) {
        Map<String, Set<String>> scopes = new LinkedHashMap<>();
        if (value == null) {
            return scopes;
        }
        for (String app : value.split(";")) {
            String[] kv = app.split("=", 2);
            scopes.put(kv[0].trim(), kv.length < 2 || kv[1].isBlank() ? Set.of()
                    : Stream.of(kv[1].split(",")).map(String::trim).collect(Collectors.toSet()));
        }
        return scopes;
    }

    /** The Dapr pod annotations of a Knative Service or Deployment. */
    static Optional<Map<String, String>> podAnnotations(HasMetadata workload) {
        ObjectMeta meta = workload instanceof Service s ? s.getSpec().getTemplate().getMetadata()
                : workload instanceof Deployment d ? Optional.ofNullable(d.getSpec().getTemplate()).map(PodTemplateSpec::getMetadata).orElse(null)
                : null;
        return Optional.ofNullable(meta).map(ObjectMeta::getAnnotations);
    }

    /** App ids of every workload with a Dapr sidecar. */
    static Set<String> daprAppIds(Manifests manifests) {
        return Stream.concat(manifests.knativeServices().stream(), manifests.deployments().stream())
                .map(DaprComponent::podAnnotations)
                .flatMap(Optional::stream)
                .filter(a -> "true".equals(a.get("dapr.io/enabled")))
                .map(a -> a.get("dapr.io/app-id"))
                .collect(Collectors.toSet());
    }
}
