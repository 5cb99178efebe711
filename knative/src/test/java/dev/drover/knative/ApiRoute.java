package dev.drover.knative;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.drover.core.function.FunctionKind;
import dev.drover.core.function.FunctionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one API entry's HTTPRoute, generated from {@code Catalog.all(...)}: one rule per public REST function, matching
 * its method and path, rewriting the Host to the function's cluster-local name and sending it to Knative's local
 * gateway, which routes on that Host. {@code ApiRouteTest} fails when an overlay's {@code api-route.yaml} is not what
 * this generates; run {@code ApiRouteTest} with {@code -Ddrover.regenerate=true} to rewrite them.
 */
final class ApiRoute {
    /** Knative's cluster-local gateway for Istio (net-istio, or net-gateway-api on Istio): the default backend. */
    static final Backend DEFAULT_BACKEND = new Backend("knative-local-gateway", "istio-system", 80);
    static final String HEADER = """
            # GENERATED from dev.drover.functions.Catalog by knative/src/test/java/dev/drover/knative/ApiRoute.java: do not
            # edit the rules by hand (ApiRouteTest fails when they differ; it regenerates this file with
            # -Ddrover.regenerate=true). The backend (Knative's cluster-local gateway) is kept as found: change it here
            # for your networking layer (Kourier: kourier-internal in kourier-system) and in ../../cluster/.
            #
            # The one API entry (knative/README.md, "One API host"): each public REST function's method and path, the
            # Host rewritten to the function's cluster-local name, sent to Knative's local gateway, which routes on it.
            # Templated path segments ({id}) are RE2 regular expressions matching one segment; pages (the console) are
            # a PathPrefix, for each method they serve. The rules are mutually exclusive, so their order does not
            # matter. At most 16 rules per HTTPRoute (Gateway API's limit), so the rules are spread over drover-api-1,
            # drover-api-2, ...: one Gateway, one host, merged by the Gateway.
            """;

    record Backend(String name, String namespace, int port) {
    }

    private ApiRoute() {
    }

    /**
     * The functions on the public route: REST functions but those only Knative Eventing reaches (dead-letter sinks),
     * and pages (the console).
     */
    static List<FunctionSpec> routed(List<FunctionSpec> specs, Set<String> eventingOnly) {
        return specs.stream().filter(s -> s.kind() == FunctionKind.PAGES
                || s.kind() == FunctionKind.REST && !eventingOnly.contains(s.name())).toList();
    }

    /** Gateway API's limit on the rules of one HTTPRoute (spec.rules maxItems): more functions take more routes. */
    static final int MAX_RULES = 16;

    /** The routes: {@code drover-api-1}, {@code drover-api-2}, ... of at most {@link #MAX_RULES} rules each, on one Gateway and host. */
    static List<Map<String, Object>> render(String namespace, List<FunctionSpec> routed, Backend backend) {
        List<Map<String, Object>> routes = new ArrayList<>();
        for (int from = 0; from < routed.size(); from += MAX_RULES) {
            routes.add(route("drover-api-" + (routes.size() + 1), namespace, routed.subList(from, Math.min(routed.size(), from + MAX_RULES)), backend));
        }
        return routes;
    }

    private static Map<String, Object> route(String name, String namespace, List<FunctionSpec> routed, Backend backend) {
        List<Object> rules = new ArrayList<>();
        for (FunctionSpec spec : routed) {
            Map<String, Object> path = new LinkedHashMap<>();
            if (spec.kind() == FunctionKind.PAGES) {
                // /console matches /console, /console/ and below, and not /consolex: Helidon's /console/* as well.
                path.put("type", "PathPrefix");
                path.put("value", spec.prefix());
            } else if (spec.path().contains("{")) {
                path.put("type", "RegularExpression");
                path.put("value", regex(spec.path()));
            } else {
                path.put("type", "Exact");
                path.put("value", spec.path());
            }
            List<Object> matches = new ArrayList<>();
            for (io.helidon.http.Method method : spec.methods()) {
                Map<String, Object> match = new LinkedHashMap<>();
                match.put("path", path);
                match.put("method", method.text());
                matches.add(match);
            }
            Map<String, Object> rewrite = new LinkedHashMap<>();
            rewrite.put("type", "URLRewrite");
            rewrite.put("urlRewrite", Map.of("hostname", spec.name() + "." + namespace + ".svc.cluster.local"));
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("kind", "Service");
            ref.put("name", backend.name());
            ref.put("namespace", backend.namespace());
            ref.put("port", backend.port());
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("matches", matches);
            rule.put("filters", List.of(rewrite));
            rule.put("backendRefs", List.of(ref));
            rules.add(rule);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        Map<String, Object> labels = new LinkedHashMap<>(); // ordered: the file must be the same on every run
        labels.put("app.kubernetes.io/part-of", "drover");
        labels.put("app.kubernetes.io/component", "api");
        metadata.put("labels", labels);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("parentRefs", List.of(Map.of("name", "drover-api")));
        spec.put("hostnames", List.of("drover-api." + namespace + ".svc.cluster.local"));
        spec.put("rules", rules);
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("apiVersion", "gateway.networking.k8s.io/v1");
        route.put("kind", "HTTPRoute");
        route.put("metadata", metadata);
        route.put("spec", spec);
        return route;
    }

    /** {@code /migrations/{id}/candidates} → {@code ^/migrations/[^/]+/candidates$}. */
    static String regex(String template) {
        StringBuilder out = new StringBuilder("^");
        for (String segment : template.substring(1).split("/")) {
            if (!segment.startsWith("{") && !segment.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException(template + ": a segment the route would have to escape: " + segment);
            }
            out.append('/').append(segment.startsWith("{") ? "[^/]+" : segment);
        }
        return out.append('$').toString();
    }

    static String yaml(List<Map<String, Object>> routes) {
        try {
            ObjectMapper mapper = new ObjectMapper(YAMLFactory.builder()
                                                           .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                                                           .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                                                           .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                                                           .build());
            StringBuilder out = new StringBuilder(HEADER);
            for (Map<String, Object> route : routes) {
                if (route != routes.getFirst()) {
                    out.append("---\n");
                }
                out.append(mapper.writeValueAsString(route));
            }
            return out.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void write(Path file, String namespace, List<FunctionSpec> routed, Backend backend) throws IOException {
        Files.writeString(file, yaml(render(namespace, routed, backend)));
    }
}
