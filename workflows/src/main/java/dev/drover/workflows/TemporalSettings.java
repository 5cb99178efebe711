package dev.drover.workflows;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;

import java.time.Duration;
import java.util.Map;

/**
 * Where Temporal is: {@code TEMPORAL_ADDRESS} (default 127.0.0.1:7233, the local stack's in-process
 * test server) and {@code TEMPORAL_NAMESPACE} (default "default").
 */
public record TemporalSettings(String address, String namespace) {
    public static TemporalSettings fromEnvironment(Map<String, String> env) {
        return new TemporalSettings(env.getOrDefault("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
                                    env.getOrDefault("TEMPORAL_NAMESPACE", "default"));
    }

    /** A client; the connection is made lazily, so a process starts even while Temporal is down. */
    public WorkflowClient client() {
        return client(true);
    }

    /**
     * A client whose workers send Temporal's worker heartbeats or not. The SDK (1.38) sends them from every worker, once
     * a minute from its start; temporal-test-server does not implement them, and the SDK said so in a WARNING at every
     * start of the local stack. A server that does (a real cluster) shows them as the namespace's workers.
     */
    public WorkflowClient client(boolean workerHeartbeats) {
        WorkflowServiceStubs service;
        try {
            service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
        } catch (IllegalArgumentException e) {
            // gRPC's own words ("Invalid DNS name: ...") do not say which setting to fix
            throw new IllegalArgumentException("TEMPORAL_ADDRESS=" + address + " is not a Temporal address (host:port): " + e.getMessage(), e);
        }
        WorkflowClientOptions.Builder options = WorkflowClientOptions.newBuilder().setNamespace(namespace);
        if (!workerHeartbeats) {
            options.setWorkerHeartbeatInterval(Duration.ofSeconds(-1)); // the SDK's "off": a negative interval
        }
        return WorkflowClient.newInstance(service, options.build());
    }
}
