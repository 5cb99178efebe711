package dev.drover.knative;

import dev.drover.core.function.FunctionKind;
import dev.drover.core.function.FunctionSpec;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One API entry: each overlay's HTTPRoute is what {@link ApiRoute} generates from the Catalog (so a new function
 * cannot be missing), sends every public REST function's method and path to that function and nothing else there,
 * keeps subscriptions and dead-letter sinks off it; the functions are cluster-local; drover-config's API and callback
 * URLs are the host a manifest creates; the cluster's ReferenceGrant admits the route's backend.
 */
class ApiRouteTest {
    static List<Manifests> overlays() {
        return OverlayTest.overlays();
    }

    /** The functions only Knative Eventing reaches: the Broker's and the Triggers' dead-letter sinks. */
    static Set<String> eventingOnly(Manifests manifests) {
        Set<String> names = new HashSet<>();
        for (Broker broker : manifests.brokers()) {
            names.add(broker.getSpec().getDelivery().getDeadLetterSink().getRef().getName());
        }
        for (Trigger trigger : manifests.triggers()) {
            names.add(trigger.getSpec().getDelivery().getDeadLetterSink().getRef().getName());
        }
        return names;
    }

    static String namespace(Manifests overlay) {
        return overlay.config().getMetadata().getNamespace();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theRouteIsGeneratedFromTheCatalog(Manifests overlay) throws Exception {
        Path file = Manifests.ROOT.resolve(overlay.name()).resolve("api-route.yaml");
        ApiRoute.Backend backend = ApiRoute.DEFAULT_BACKEND;
        if (Files.exists(file) && Files.size(file) > 0) {
            Map<String, Object> existing = Kustomize.Yaml.readAll(file).getFirst();
            List<?> rules = Kustomize.list(Kustomize.map(existing.get("spec")).get("rules"));
            if (!rules.isEmpty()) {
                Map<String, Object> ref = Kustomize.map(Kustomize.list(Kustomize.map(rules.getFirst()).get("backendRefs")).getFirst());
                backend = new ApiRoute.Backend((String) ref.get("name"), (String) ref.get("namespace"), (Integer) ref.get("port"));
            }
        }
        String expected = ApiRoute.yaml(ApiRoute.render(namespace(overlay), ApiRoute.routed(Functions.specs(), eventingOnly(overlay)), backend));
        if (Boolean.getBoolean("drover.regenerate")) {
            Files.writeString(file, expected);
        }
        assertTrue(Files.exists(file), file + " is missing: run ApiRouteTest with -Ddrover.regenerate=true");
        assertEquals(expected, Files.readString(file),
                     file + " is not what the Catalog gives: run ApiRouteTest with -Ddrover.regenerate=true (ApiRoute.java)");
    }

    /** Every public REST function is reached at its method and path, by exactly one rule, and nothing else is. */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyPublicRestFunctionIsRoutedByMethodAndPathAndNothingElse(Manifests overlay) {
        HTTPRoute route = route(overlay);
        String namespace = namespace(overlay);
        Set<String> internal = eventingOnly(overlay);
        for (FunctionSpec spec : Functions.specs()) {
            if (spec.kind() == FunctionKind.PAGES) {
                pagesAreRoutedByPrefix(overlay, route, spec);
                continue;
            }
            String path = spec.path().replaceAll("\\{[^}]+}", "x-1");
            List<String> hosts = matching(route, spec.method().text(), path);
            if (spec.kind() == FunctionKind.REST && !internal.contains(spec.name())) {
                assertEquals(List.of(spec.name() + "." + namespace + ".svc.cluster.local"), hosts,
                             overlay + ": " + spec.method().text() + " " + path + " must reach " + spec.name() + ", and only it");
                Service service = overlay.knativeService(spec.name()).orElseThrow();
                assertNotNull(service, spec.name());
            } else {
                assertEquals(List.of(), hosts, overlay + ": " + spec.name() + " (" + spec.kind() + ", reached by Dapr or the broker) is on the public route");
            }
            // another method on the same path reaches no function that does not serve it
            for (String other : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
                if (Functions.specs().stream().noneMatch(s -> s.methods().stream().anyMatch(m -> m.text().equals(other))
                        && s.path().replaceAll("\\{[^}]+}", "x-1").equals(path))) {
                    assertEquals(List.of(), matching(route, other, path), overlay + ": " + other + " " + path + " is routed");
                }
            }
        }
        assertEquals(List.of(), matching(route, "GET", "/migrations/a/b/c/d/e"), "one segment per path parameter");
        assertEquals(List.of(), matching(route, "GET", "/observe/metrics"), "metrics are not on the API route");
    }

    /** Pages (the console): GET and POST on the prefix and everything under it reach the function, nothing else does. */
    private static void pagesAreRoutedByPrefix(Manifests overlay, HTTPRoute route, FunctionSpec spec) {
        String host = spec.name() + "." + namespace(overlay) + ".svc.cluster.local";
        String prefix = spec.prefix();
        for (String path : List.of(prefix, prefix + "/", prefix + "/migrations/x-1", prefix + "/assets/a/b.js")) {
            for (String method : List.of("GET", "POST")) {
                assertEquals(List.of(host), matching(route, method, path), overlay + ": " + method + " " + path + " must reach " + spec.name());
            }
            for (String method : List.of("PUT", "PATCH", "DELETE")) {
                assertEquals(List.of(), matching(route, method, path), overlay + ": " + method + " " + path + " is routed");
            }
        }
        assertEquals(List.of(), matching(route, "GET", prefix + "x"), overlay + ": a prefix matches whole segments only");
        assertTrue(overlay.knativeService(spec.name()).isPresent(), spec.name());
    }

    /** The host names of the rules whose match takes this request. */
    private static List<String> matching(HTTPRoute route, String method, String path) {
        List<String> hosts = new ArrayList<>();
        for (HTTPRouteRule rule : route.getSpec().getRules()) {
            for (HTTPRouteMatch match : rule.getMatches()) {
                boolean pathMatches = switch (match.getPath().getType()) {
                    case "Exact" -> match.getPath().getValue().equals(path);
                    case "RegularExpression" -> Pattern.compile(match.getPath().getValue()).matcher(path).matches();
                    // Gateway API: a prefix of whole path elements
                    case "PathPrefix" -> path.equals(match.getPath().getValue()) || path.startsWith(match.getPath().getValue() + "/");
                    default -> throw new AssertionError("path match type " + match.getPath().getType());
                };
                if (pathMatches && method.equals(match.getMethod())) {
                    hosts.add(rule.getFilters().getFirst().getUrlRewrite().getHostname());
                }
            }
        }
        return hosts;
    }

    /** The API's routes as one: their rules together (each route holds at most 16), on the same Gateway and host. */
    private static HTTPRoute route(Manifests overlay) {
        List<HTTPRoute> routes = overlay.of(HTTPRoute.class);
        assertFalse(routes.isEmpty(), overlay + ": no HTTPRoute");
        HTTPRoute first = routes.getFirst();
        List<HTTPRouteRule> rules = new ArrayList<>();
        for (HTTPRoute route : routes) {
            assertEquals(first.getSpec().getParentRefs(), route.getSpec().getParentRefs(), overlay + ": every API route on the same Gateway");
            assertEquals(first.getSpec().getHostnames(), route.getSpec().getHostnames(), overlay + ": every API route for the same host");
            assertTrue(route.getSpec().getRules().size() <= ApiRoute.MAX_RULES, overlay + ": at most 16 rules in one HTTPRoute");
            rules.addAll(route.getSpec().getRules());
        }
        HTTPRoute merged = new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder(first).build();
        merged.getSpec().setRules(rules);
        return merged;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theRouteHangsOnTheGatewayBehindTheApiHostOfDroverConfig(Manifests overlay) {
        HTTPRoute route = route(overlay);
        String namespace = namespace(overlay);
        URI api = URI.create(overlay.config().getData().get("DROVER_API_URL"));
        assertEquals("drover-api." + namespace + ".svc.cluster.local", api.getHost(), overlay + ": DROVER_API_URL");
        assertEquals(api, URI.create(overlay.config().getData().get("DROVER_CALLBACK_URL")),
                     overlay + ": migrators report their steps through the API host (its route sends /event/{runId} to step-callback)");
        assertTrue(route.getSpec().getHostnames().contains(api.getHost()), overlay + ": the route answers the API host");
        io.fabric8.kubernetes.api.model.Service host = overlay.of(io.fabric8.kubernetes.api.model.Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals(api.getHost().split("\\.")[0])).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no Service " + api.getHost()));
        String gatewayName = route.getSpec().getParentRefs().getFirst().getName();
        Gateway gateway = overlay.of(Gateway.class).stream().filter(g -> g.getMetadata().getName().equals(gatewayName)).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": the route's Gateway " + gatewayName + " is not deployed"));
        assertEquals(gatewayName, host.getSpec().getSelector().get("gateway.networking.k8s.io/gateway-name"),
                     overlay + ": the API host's Service selects the Gateway's proxies");
        int port = api.getPort() < 0 ? 80 : api.getPort();
        assertTrue(host.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port), overlay + ": the API host's port");
        assertTrue(gateway.getSpec().getListeners().stream().anyMatch(l -> l.getPort() == port && "HTTP".equals(l.getProtocol())
                           && "Same".equals(l.getAllowedRoutes().getNamespaces().getFrom())),
                   overlay + ": the Gateway listens for HTTP on the API host's port, for routes of its namespace");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyKnativeServiceIsClusterLocal(Manifests overlay) {
        for (Service service : overlay.knativeServices()) {
            assertEquals("cluster-local", service.getMetadata().getLabels().get("networking.knative.dev/visibility"),
                         overlay + ": " + service.getMetadata().getName() + " is reached through the API entry only");
        }
    }

    /** The cluster's ReferenceGrant (knative/cluster) lets each overlay's route send to Knative's local gateway. */
    @ParameterizedTest
    @MethodSource("overlays")
    void theClustersReferenceGrantAdmitsTheRoute(Manifests overlay) {
        List<ReferenceGrant> grants = Kustomize.build(Manifests.ROOT.resolve("cluster")).stream().map(Manifests::typed)
                .filter(ReferenceGrant.class::isInstance).map(ReferenceGrant.class::cast).toList();
        for (HTTPRouteRule rule : route(overlay).getSpec().getRules()) {
            for (HTTPBackendRef ref : rule.getBackendRefs()) {
                boolean admitted = grants.stream().anyMatch(g -> g.getMetadata().getNamespace().equals(ref.getNamespace())
                        && g.getSpec().getFrom().stream().anyMatch(f -> f.getKind().equals("HTTPRoute") && f.getNamespace().equals(namespace(overlay)))
                        && g.getSpec().getTo().stream().anyMatch(t -> t.getKind().equals("Service") && ref.getName().equals(t.getName())));
                assertTrue(admitted, overlay + ": no ReferenceGrant in knative/cluster lets HTTPRoutes of " + namespace(overlay)
                        + " send to Service " + ref.getNamespace() + "/" + ref.getName());
            }
        }
    }
}
