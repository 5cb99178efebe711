package dev.drover.core.function;

import dev.drover.core.http.Http;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/**
 * Answers {@code GET /dapr/subscribe}, Dapr's programmatic subscription: the sidecar asks the app
 * which topics to deliver and to which routes. Each process declares only the subscriptions it serves.
 */
public final class DaprSubscriptions {
    public static final String PUBSUB_ENV = "DROVER_PUBSUB";
    public static final String DEFAULT_PUBSUB = "pubsub";

    /** Dapr's declaration of one subscription. */
    public record Subscription(String pubsubname, String topic, String route) {
    }

    private final List<Subscription> subscriptions;

    public DaprSubscriptions(String pubsub, List<Function> functions) {
        this.subscriptions = functions.stream()
                .map(Function::spec)
                .filter(spec -> spec.kind() == FunctionKind.SUBSCRIPTION)
                .map(spec -> new Subscription(pubsub, spec.topic().orElseThrow(), spec.path()))
                .toList();
    }

    public List<Subscription> subscriptions() {
        return subscriptions;
    }

    /** {@code GET /dapr/subscribe}. */
    public void handle(ServerRequest req, ServerResponse res) {
        Http.json(res, subscriptions);
    }
}
