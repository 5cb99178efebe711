package dev.drover.workflows;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.GrpcCompression;
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

    /** Which kind of Temporal server a client talks to. */
    public enum Server {
        /** A real cluster: the client as the SDK makes it. */
        CLUSTER,
        /** The local stack's in-process server (temporal-test-server), on the loopback. */
        EMBEDDED
    }

    /** A client of a cluster; the connection is made lazily, so a process starts even while Temporal is down. */
    public WorkflowClient client() {
        return client(Server.CLUSTER);
    }

    /**
     * A client of {@code server}. A client of the embedded server differs from the SDK's in two ways:
     * <ul>
     *   <li>Its workers send no worker heartbeats. The SDK (1.38) sends them from every worker, once a minute from its
     *       start; temporal-test-server does not implement them, and the SDK said so in a WARNING at every start of the
     *       local stack. A server that does (a real cluster) shows them as the namespace's workers.</li>
     *   <li>It does not gzip its requests. The SDK gzips every request by default ({@link GrpcCompression#GZIP}), which on
     *       the loopback costs CPU and saves nothing: 3.4% of a run step's CPU samples in the local stack, a new
     *       {@code Deflater} for every message (ADR 0019, 2026-12-05 afternoon). A cluster's client keeps the SDK's
     *       default.</li>
     * </ul>
     */
    public WorkflowClient client(Server server) {
        WorkflowServiceStubsOptions.Builder stubs = WorkflowServiceStubsOptions.newBuilder().setTarget(address);
        if (server == Server.EMBEDDED) {
            stubs.setGrpcCompression(GrpcCompression.NONE);
        }
        WorkflowServiceStubs service;
        try {
            service = WorkflowServiceStubs.newServiceStubs(stubs.build());
        } catch (IllegalArgumentException e) {
            // gRPC's own words ("Invalid DNS name: ...") do not say which setting to fix
            throw new IllegalArgumentException("TEMPORAL_ADDRESS=" + address + " is not a Temporal address (host:port): " + e.getMessage(), e);
        }
        WorkflowClientOptions.Builder options = WorkflowClientOptions.newBuilder().setNamespace(namespace);
        if (server == Server.EMBEDDED) {
            options.setWorkerHeartbeatInterval(Duration.ofSeconds(-1)); // the SDK's "off": a negative interval
        }
        return WorkflowClient.newInstance(service, options.build());
    }
}
