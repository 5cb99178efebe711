package dev.drover.functions;

import dev.drover.core.state.RedisState;
import dev.drover.functions.trust.Trust;
import dev.drover.history.History;
import dev.drover.workflows.RunClient;

import java.net.URI;

/**
 * What functions are built from: the state store, the run client, where the step relay pushes
 * step events (a Knative Broker's ingress, or the local stack's stand-in), the history database, and what tells
 * callers apart.
 */
public record Platform(RedisState state, RunClient runs, URI brokerUrl, History history, Trust trust) {
}
