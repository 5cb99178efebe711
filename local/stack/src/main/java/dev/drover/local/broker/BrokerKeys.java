package dev.drover.local.broker;

/** The broker stand-in's Redis keys. */
record BrokerKeys(String prefix, String namespace, String broker) {
    /** Every event the broker accepted, in order; each trigger is a consumer group on it. */
    String events() {
        return prefix + "broker:" + namespace + ":" + broker;
    }

    /** Events given up on, when there is no dead-letter sink or it refused them. */
    String deadLetters() {
        return prefix + "broker-deadletter:" + namespace + ":" + broker;
    }
}
