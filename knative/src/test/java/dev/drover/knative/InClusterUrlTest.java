package dev.drover.knative;

import io.fabric8.knative.eventing.v1.Broker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every in-cluster URL in an overlay (any string in any manifest, and every workload's environment as Kubernetes
 * expands it) names something the render creates: a Service of the overlay's namespace (Knative or core), or the
 * Broker behind Knative's broker ingress. A host in another namespace must be one of the prerequisites the README
 * lists (Temporal, the API server), never a typo or an old name (like drover-api before it existed).
 */
class InClusterUrlTest {
    private static final Pattern URL = Pattern.compile("https?://[A-Za-z0-9.$()_-]+(?::\\d+)?(?:/[^\\s\"',]*)?");
    /** Hosts outside Drover's namespace the manifests may name: the README's prerequisites. */
    private static final Set<String> PREREQUISITES = Set.of("kubernetes.default.svc.cluster.local");

    static List<Manifests> overlays() {
        return OverlayTest.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyInClusterUrlResolvesToAnObjectOfTheRender(Manifests overlay) {
        String namespace = overlay.config().getMetadata().getNamespace();
        List<String> urls = new ArrayList<>();
        overlay.raw().forEach(resource -> strings(resource, urls));
        for (Workload workload : Workload.all(overlay)) {
            TrustBoundaryTest.environment(overlay, workload).values().forEach(v -> find(v, urls));
        }
        List<String> inCluster = urls.stream().filter(u -> URI.create(u).getHost() != null && URI.create(u).getHost().contains(".svc")).toList();
        assertFalse(inCluster.isEmpty(), overlay + ": no in-cluster URL found at all");
        for (String url : inCluster) {
            if (url.contains("$(")) {
                continue; // a reference, checked in its expanded form from the workload's environment
            }
            URI uri = URI.create(url);
            String[] host = uri.getHost().split("\\.");
            String name = host[0];
            String ns = host.length > 1 ? host[1] : namespace;
            if (name.equals("broker-ingress") && ns.equals("knative-eventing")) {
                String[] path = uri.getPath().substring(1).split("/");
                assertTrue(path.length == 2 && path[0].equals(namespace)
                                   && overlay.brokers().stream().map(Broker::getMetadata).anyMatch(m -> m.getName().equals(path[1])),
                           overlay + ": " + url + " is no Broker of namespace " + namespace);
            } else if (ns.equals(namespace)) {
                boolean knative = overlay.knativeService(name).isPresent();
                boolean core = overlay.of(io.fabric8.kubernetes.api.model.Service.class).stream().anyMatch(s -> s.getMetadata().getName().equals(name));
                assertTrue(knative || core, overlay + ": " + url + " names Service " + name + ", which the render does not create");
            } else {
                assertTrue(PREREQUISITES.contains(uri.getHost()), overlay + ": " + url + " is in namespace " + ns
                        + ", neither the overlay's nor a prerequisite's");
            }
        }
    }

    private static void strings(Object node, List<String> urls) {
        switch (node) {
            case Map<?, ?> map -> map.values().forEach(v -> strings(v, urls));
            case List<?> list -> list.forEach(v -> strings(v, urls));
            case String s -> find(s, urls);
            case null, default -> {
            }
        }
    }

    private static void find(String text, List<String> urls) {
        Matcher m = URL.matcher(text);
        while (m.find()) {
            urls.add(m.group());
        }
    }
}
