package dev.drover.knative;

import io.fabric8.knative.serving.v1.RevisionSpec;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What runs in a pod, alike for a Knative Service (its revision template) and a Deployment: the pod's
 * annotations, its one container, volumes and ServiceAccount.
 */
record Workload(String kind, String name, Optional<String> namespace, Map<String, String> labels, Map<String, String> annotations,
                Container container, List<Volume> volumes, Optional<String> serviceAccountName, Optional<Boolean> automountToken) {

    static List<Workload> all(Manifests manifests) {
        return Stream.concat(manifests.knativeServices().stream().map(Workload::of), manifests.deployments().stream().map(Workload::of))
                .toList();
    }

    static Workload of(Service service) {
        RevisionSpec spec = service.getSpec().getTemplate().getSpec();
        return new Workload("Service", service.getMetadata().getName(), Optional.ofNullable(service.getMetadata().getNamespace()),
                            orEmpty(service.getMetadata().getLabels()), orEmpty(service.getSpec().getTemplate().getMetadata().getAnnotations()),
                            one(service.getMetadata().getName(), spec.getContainers()), orEmpty(spec.getVolumes()),
                            Optional.ofNullable(spec.getServiceAccountName()), Optional.ofNullable(spec.getAutomountServiceAccountToken()));
    }

    static Workload of(Deployment deployment) {
        PodSpec spec = deployment.getSpec().getTemplate().getSpec();
        return new Workload("Deployment", deployment.getMetadata().getName(), Optional.ofNullable(deployment.getMetadata().getNamespace()),
                            orEmpty(deployment.getMetadata().getLabels()), orEmpty(deployment.getSpec().getTemplate().getMetadata().getAnnotations()),
                            one(deployment.getMetadata().getName(), spec.getContainers()), orEmpty(spec.getVolumes()),
                            Optional.ofNullable(spec.getServiceAccountName()), Optional.ofNullable(spec.getAutomountServiceAccountToken()));
    }

    /** Knative's min-scale of the revision (0 when unset); a Deployment has none. */
    int minScale() {
        return Integer.parseInt(annotations.getOrDefault("autoscaling.knative.dev/min-scale", "0"));
    }

    /** A Deployment runs its replicas all the time; a Knative Service does when its min-scale is at least 1. */
    boolean alwaysOn() {
        return kind.equals("Deployment") || minScale() >= 1;
    }

    boolean daprEnabled() {
        return "true".equals(annotations.get("dapr.io/enabled"));
    }

    Optional<EnvVar> env(String variable) {
        return orEmpty(container.getEnv()).stream().filter(e -> e.getName().equals(variable)).findFirst();
    }

    /** The Secret and key a variable is taken from, when it is taken from one. */
    Optional<SecretKeySelector> secretOf(String variable) {
        return env(variable).map(EnvVar::getValueFrom).map(v -> v.getSecretKeyRef());
    }

    Optional<Volume> volume(String volumeName) {
        return volumes.stream().filter(v -> v.getName().equals(volumeName)).findFirst();
    }

    /** The container's mount whose path holds the file, if any. */
    Optional<VolumeMount> mountHolding(String file) {
        return orEmpty(container.getVolumeMounts()).stream()
                .filter(m -> file.startsWith(m.getMountPath().endsWith("/") ? m.getMountPath() : m.getMountPath() + "/"))
                .findFirst();
    }

    /**
     * The environment the process starts with: drover-config (its envFrom), then the literal variables with
     * {@code $(VAR)} references expanded as Kubernetes does, the pod's namespace for {@code metadata.namespace}, and
     * for each variable from a Secret whatever {@code secret} answers for that Secret and key (the tests stand in for
     * the operator's Secrets).
     */
    Map<String, String> environment(Manifests manifests, String namespace, BiFunction<String, String, String> secret) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : orEmpty(container.getEnvFrom())) {
            if (from.getConfigMapRef() != null) {
                ConfigMap config = manifests.of(ConfigMap.class).stream()
                        .filter(c -> c.getMetadata().getName().equals(from.getConfigMapRef().getName()))
                        .findFirst().orElseThrow(() -> new AssertionError(name + " loads ConfigMap " + from.getConfigMapRef().getName()
                                                                                + ", which is not deployed"));
                env.putAll(config.getData());
            }
        }
        for (EnvVar variable : orEmpty(container.getEnv())) {
            if (variable.getValueFrom() == null) {
                env.put(variable.getName(), expand(variable.getValue() == null ? "" : variable.getValue(), env));
            } else if (variable.getValueFrom().getSecretKeyRef() != null) {
                SecretKeySelector ref = variable.getValueFrom().getSecretKeyRef();
                env.put(variable.getName(), secret.apply(ref.getName(), ref.getKey()));
            } else if (variable.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = variable.getValueFrom().getConfigMapKeyRef();
                ConfigMap config = manifests.of(ConfigMap.class).stream()
                        .filter(c -> c.getMetadata().getName().equals(ref.getName()))
                        .findFirst().orElseThrow(() -> new AssertionError(name + " reads ConfigMap " + ref.getName() + ", which is not deployed"));
                String value = config.getData().get(ref.getKey());
                if (value == null) {
                    throw new AssertionError(name + " reads key " + ref.getKey() + " of ConfigMap " + ref.getName() + ", which has none");
                }
                env.put(variable.getName(), value);
            } else if (variable.getValueFrom().getFieldRef() != null
                    && "metadata.namespace".equals(variable.getValueFrom().getFieldRef().getFieldPath())) {
                env.put(variable.getName(), namespace);
            }
        }
        return env;
    }

    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private static String expand(String value, Map<String, String> env) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
        }
        return m.appendTail(out).toString();
    }

    private static Container one(String name, List<Container> containers) {
        assertEquals(1, containers.size(), name + ": one container");
        return containers.getFirst();
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    @Override
    public String toString() {
        return kind + " " + name;
    }
}
