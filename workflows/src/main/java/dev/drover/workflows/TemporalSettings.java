package dev.drover.workflows;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;

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
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
        return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    }
}
