package dev.drover.core.function;

import dev.drover.core.auth.Access;
import dev.drover.core.model.Check;
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
    }

    public static FunctionSpec rest(String name, Method method, String path, Access access) {
        return new FunctionSpec(name, FunctionKind.REST, method, path, Optional.empty(), access);
    }

    /** Dapr delivers a topic's events by POST to the route the app declares in GET /dapr/subscribe. */
    public static FunctionSpec subscription(String name, String topic, String path) {
        return new FunctionSpec(name, FunctionKind.SUBSCRIPTION, Method.POST, path, Optional.of(topic), Access.SIDECAR);
    }
}
