package dev.drover.local.dapr;

import java.net.URI;
import java.util.Objects;

/**
 * An app the sidecar stand-in serves: where the real sidecar would reach it over its app channel.
 *
 * @param appId   the Dapr app id; also the consumer group of each of its topics
 * @param baseUrl the app's HTTP base, e.g. {@code http://localhost:8080}
 */
public record DaprApp(String appId, URI baseUrl) {
    public DaprApp {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (appId.isBlank()) {
            throw new IllegalArgumentException("appId must not be blank");
        }
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("baseUrl must be an http(s) URL: " + baseUrl);
        }
    }

    /** The URL of one of the app's paths, e.g. a subscription's route. */
    public URI resolve(String path) {
        String base = baseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + (path.startsWith("/") ? path : "/" + path));
    }
}
