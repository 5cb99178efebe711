package dev.drover.core.function;

import io.helidon.common.uri.UriPath;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The methods each route serves, so a request with another method is answered 405 with {@code Allow}
 * (RFC 9110) instead of 404: the route exists, the method does not.
 */
final class Routes {
    private record Route(PathMatcher path, Method method) {
    }

    /** Served by Helidon's observe feature and the routing itself, besides the functions. */
    private static final List<String> GET_ONLY = List.of("/dapr/subscribe", "/observe/health", "/observe/health/ready",
                                                         "/observe/health/live", "/observe/metrics");

    private final List<Route> routes = new ArrayList<>();

    Routes(List<Function> functions) {
        for (Function function : functions) {
            for (Method method : function.spec().methods()) {
                routes.add(new Route(PathMatchers.create(function.spec().path()), method));
            }
        }
        for (String path : GET_ONLY) {
            routes.add(new Route(PathMatchers.exact(path), Method.GET));
        }
    }

    /** The methods served on {@code path}; empty when no route has it. */
    Set<Method> methods(UriPath path) {
        Set<Method> methods = new TreeSet<>((a, b) -> a.text().compareTo(b.text()));
        for (Route route : routes) {
            if (route.path().match(path).accepted()) {
                methods.add(route.method());
            }
        }
        return methods;
    }
}
