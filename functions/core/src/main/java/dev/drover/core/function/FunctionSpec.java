package dev.drover.core.function;

import dev.drover.core.auth.Access;
import dev.drover.contract.model.Check;
import io.helidon.http.Method;

import java.util.Objects;
import java.util.Optional;

/**
 * What a function is, declared once in code: its name (the {@code FUNCTION} value and the Knative
 * Service name), its kind, its route and who may call it; a subscription also names its pub/sub topic
 * and is called by the Dapr sidecar alone.
 */
public record FunctionSpec(String name, FunctionKind kind, Method method, String path, Optional<String> topic, Access access) {
    public FunctionSpec {
        Check.slug("name", name);
        Objects.requireNonNull(access, "access");
        if ((kind == FunctionKind.SUBSCRIPTION) != topic.isPresent()) {
            throw new IllegalArgumentException("a subscription, and only a subscription, names a topic: " + name);
        }
        if (kind == FunctionKind.SUBSCRIPTION && access != Access.SIDECAR) {
            throw new IllegalArgumentException("only the Dapr sidecar delivers to a subscription: " + name);
        }
        if (kind == FunctionKind.PAGES && !path.matches("(/[a-z0-9-]+)+/\\*")) {
            throw new IllegalArgumentException("pages are served under a prefix of plain segments, '/<prefix>/*': " + path);
        }
    }

    public static FunctionSpec rest(String name, Method method, String path, Access access) {
        return new FunctionSpec(name, FunctionKind.REST, method, path, Optional.empty(), access);
    }

    /**
     * Pages for people's browsers: {@code GET} and {@code POST} on {@code prefix} and everything under it (Helidon's
     * {@code /prefix/*} matches {@code /prefix}, {@code /prefix/} and below, as a Gateway API {@code PathPrefix} does).
     * The function routes within the prefix itself.
     */
    public static FunctionSpec pages(String name, String prefix, Access access) {
        return new FunctionSpec(name, FunctionKind.PAGES, Method.GET, prefix + "/*", Optional.empty(), access);
    }

    /** The methods the function serves: its one method, or GET and POST for pages. */
    public java.util.List<Method> methods() {
        return kind == FunctionKind.PAGES ? java.util.List.of(Method.GET, Method.POST) : java.util.List.of(method);
    }

    /** For pages, the prefix they are served under ({@code /console}); for others, the path itself. */
    public String prefix() {
        return kind == FunctionKind.PAGES ? path.substring(0, path.length() - 2) : path;
    }

    /** Dapr delivers a topic's events by POST to the route the app declares in GET /dapr/subscribe. */
    public static FunctionSpec subscription(String name, String topic, String path) {
        return new FunctionSpec(name, FunctionKind.SUBSCRIPTION, Method.POST, path, Optional.of(topic), Access.SIDECAR);
    }
}
