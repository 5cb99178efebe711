package dev.drover.functions;

import dev.drover.core.state.RedisState;
import dev.drover.functions.trust.Trust;
import dev.drover.history.History;
import dev.drover.workflows.RunClient;

import java.net.URI;
import java.util.function.Supplier;

/**
 * What functions are built from: the state store, the run client, where the step relay pushes
 * step events (a Knative Broker's ingress, or the local stack's stand-in), the history database, what tells
 * callers apart, and where the API is for the console, which calls it over HTTP like any client ({@code DROVER_API_URL};
 * a supplier, since an all-in-one process knows its own port only once it listens).
 */
public record Platform(RedisState state, RunClient runs, URI brokerUrl, History history, Trust trust, Supplier<URI> apiUrl) {
    /** A platform whose console has no API to call (a process that serves no console, tests of other functions). */
    public Platform(RedisState state, RunClient runs, URI brokerUrl, History history, Trust trust) {
        this(state, runs, brokerUrl, history, trust, () -> {
            throw new IllegalStateException("no API address for the console: set DROVER_API_URL");
        });
    }
}
