package dev.drover.local.dapr;

import io.dapr.v1.DaprMetadataProtos.GetMetadataResponse;
import io.dapr.v1.DaprMetadataProtos.PubsubSubscription;
import io.dapr.v1.DaprMetadataProtos.PubsubSubscriptionRule;
import io.dapr.v1.DaprMetadataProtos.PubsubSubscriptionRules;
import io.dapr.v1.DaprMetadataProtos.PubsubSubscriptionType;
import io.dapr.v1.DaprMetadataProtos.RegisteredComponents;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What the sidecar says about itself through Dapr's metadata API (HTTP {@code GET /v1.0/metadata}, gRPC
 * {@code GetMetadata}): its pub/sub components and the subscriptions it serves. Official SDKs read it before they
 * publish ({@code @dapr/dapr}'s client waits for it on start), so a stand-in without it fails them after a timeout.
 * The real sidecar names one app; this one serves every app of the local stack, so its id is the stand-in's own.
 */
final class SidecarMetadata {
    /** The Dapr release whose sidecar API this stand-in follows (the Java SDK the project builds with). */
    static final String RUNTIME_VERSION = "1.17.1";

    private final String id;
    private final Set<String> pubsubNames;
    private final Supplier<List<AppSubscription>> subscriptions;

    SidecarMetadata(String id, Set<String> pubsubNames, Supplier<List<AppSubscription>> subscriptions) {
        this.id = id;
        this.pubsubNames = new TreeSet<>(pubsubNames);
        this.subscriptions = subscriptions;
    }

    /** The HTTP body, in daprd's field names. */
    Map<String, Object> json() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("runtimeVersion", RUNTIME_VERSION);
        body.put("enabledFeatures", List.of());
        body.put("actors", List.of());
        body.put("components", pubsubNames.stream()
                .map(name -> Map.of("name", name, "type", "pubsub.redis", "version", "v1", "capabilities", List.of()))
                .toList());
        body.put("httpEndpoints", List.of());
        body.put("subscriptions", subscriptions.get().stream().map(SidecarMetadata::json).toList());
        body.put("extended", Map.of("daprRuntimeVersion", RUNTIME_VERSION, "drover", "local Dapr stand-in"));
        return body;
    }

    private static Map<String, Object> json(AppSubscription s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pubsubname", s.pubsubname());
        body.put("topic", s.topic());
        body.put("metadata", Map.of());
        body.put("rules", Map.of("rules", List.of(Map.of("match", "", "path", s.route()))));
        body.put("deadLetterTopic", s.deadLetterTopic().orElse(""));
        body.put("type", "PROGRAMMATIC");
        return body;
    }

    GetMetadataResponse proto() {
        GetMetadataResponse.Builder response = GetMetadataResponse.newBuilder()
                .setId(id)
                .setRuntimeVersion(RUNTIME_VERSION)
                .putExtendedMetadata("daprRuntimeVersion", RUNTIME_VERSION)
                .putExtendedMetadata("drover", "local Dapr stand-in");
        pubsubNames.forEach(name -> response.addRegisteredComponents(
                RegisteredComponents.newBuilder().setName(name).setType("pubsub.redis").setVersion("v1")));
        subscriptions.get().forEach(s -> response.addSubscriptions(PubsubSubscription.newBuilder()
                .setPubsubName(s.pubsubname())
                .setTopic(s.topic())
                .setRules(PubsubSubscriptionRules.newBuilder().addRules(PubsubSubscriptionRule.newBuilder().setPath(s.route())))
                .setDeadLetterTopic(s.deadLetterTopic().orElse(""))
                .setType(PubsubSubscriptionType.PROGRAMMATIC)));
        return response.build();
    }
}
