package dev.drover.local.dapr;

import java.util.Optional;

/**
 * One topic an app subscribes to, as its {@code GET /dapr/subscribe} declares it.
 *
 * @param appId           the subscribing app
 * @param pubsubname      the pub/sub component
 * @param topic           the topic
 * @param route           the app's path that receives the topic's events (always starts with '/')
 * @param deadLetterTopic where Dapr republishes an event it gives up on; empty keeps it in the dead-letter stream
 */
public record AppSubscription(String appId, String pubsubname, String topic, String route,
                              Optional<String> deadLetterTopic) {
    public String describe() {
        return "app " + appId + " / " + pubsubname + " topic " + topic + " -> " + route;
    }
}
