package dev.drover.core.function;

import dev.drover.core.model.Check;
import io.helidon.http.Method;

import java.util.Optional;

/**
 * What a function is, declared once in code: its name (the {@code FUNCTION} value and the Knative
 * Service name), its kind, and its route; a subscription also names its pub/sub topic.
 */
public record FunctionSpec(String name, FunctionKind kind, Method method, String path, Optional<String> topic) {
    public FunctionSpec {
        Check.slug("name", name);
        if ((kind == FunctionKind.SUBSCRIPTION) != topic.isPresent()) {
            throw new IllegalArgumentException("a subscription, and only a subscription, names a topic: " + name);
        }
    }

    public static FunctionSpec rest(String name, Method method, String path) {
        return new FunctionSpec(name, FunctionKind.REST, method, path, Optional.empty());
    }

    /** Dapr delivers a topic's events by POST to the route the app declares in GET /dapr/subscribe. */
    public static FunctionSpec subscription(String name, String topic, String path) {
        return new FunctionSpec(name, FunctionKind.SUBSCRIPTION, Method.POST, path, Optional.of(topic));
    }
}
