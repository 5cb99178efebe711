package dev.drover.local.dapr;

/**
 * The sidecar stand-in's Redis keys. A topic's stream is shared by every subscriber (one consumer
 * group per app), so a topic's messages are stored once however many apps read them.
 */
record DaprKeys(String prefix) {
    /** The stream of one topic: every published event, in order. */
    String topic(String pubsub, String topic) {
        return prefix + "dapr:" + pubsub + ":" + topic;
    }

    /** Events given up on for a topic, when the subscription names no dead-letter topic. */
    String deadLetters(String pubsub, String topic) {
        return prefix + "dapr-deadletter:" + pubsub + ":" + topic;
    }
}
