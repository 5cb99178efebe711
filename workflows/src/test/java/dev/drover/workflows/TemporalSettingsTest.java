package dev.drover.workflows;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What a client sends on the wire, by the kind of server it talks to: a gRPC server on a port that records each call's
 * {@code grpc-encoding} header and answers UNIMPLEMENTED.
 */
class TemporalSettingsTest {
    private static final Metadata.Key<String> ENCODING = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

    private final List<String> encodings = new CopyOnWriteArrayList<>();
    private Server server;

    @BeforeEach
    void startServer() throws Exception {
        ServerInterceptor recorder = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String encoding = headers.get(ENCODING);
                encodings.add(encoding == null ? "identity" : encoding);
                return next.startCall(call, headers);
            }
        };
        // The generated base class answers every method UNIMPLEMENTED.
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new WorkflowServiceGrpc.WorkflowServiceImplBase() {
                }, recorder))
                .build().start();
    }

    @AfterEach
    void stopServer() {
        server.shutdownNow();
    }

    @Test
    void aClientOfAClusterGzipsItsRequestsAsTheSdkDoesAndOneOfTheEmbeddedServerDoesNot() {
        assertEquals("gzip", encodingOf(TemporalSettings.Server.CLUSTER));
        assertEquals("identity", encodingOf(TemporalSettings.Server.EMBEDDED),
                     "the local stack's bytes never leave the machine: compressing them is CPU for nothing");
        assertEquals("gzip", encodingOf(settings().client()), "client() is a cluster's client");
    }

    private TemporalSettings settings() {
        return new TemporalSettings("127.0.0.1:" + server.getPort(), "default");
    }

    private String encodingOf(TemporalSettings.Server kind) {
        return encodingOf(settings().client(kind));
    }

    private String encodingOf(WorkflowClient client) {
        try {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> client.getWorkflowServiceStubs().blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNIMPLEMENTED, refused.getStatus().getCode());
            return encodings.getLast();
        } finally {
            client.getWorkflowServiceStubs().shutdownNow();
        }
    }
}
