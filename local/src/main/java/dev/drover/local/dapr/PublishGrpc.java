package dev.drover.local.dapr;

import com.google.protobuf.Empty;
import io.dapr.v1.DaprGrpc;
import io.dapr.v1.DaprMetadataProtos.GetMetadataRequest;
import io.dapr.v1.DaprMetadataProtos.GetMetadataResponse;
import io.dapr.v1.DaprPubsubProtos.PublishEventRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * {@code dapr.proto.runtime.v1.Dapr/PublishEvent}, what {@code DaprClient.publishEvent} calls, and
 * {@code GetMetadata}, what SDKs read about the sidecar. Every other method of the Dapr service answers
 * UNIMPLEMENTED, as the generated base class does.
 */
final class PublishGrpc extends DaprGrpc.DaprImplBase {
    private final Publisher publisher;
    private final SidecarMetadata metadata;

    PublishGrpc(Publisher publisher, SidecarMetadata metadata) {
        this.publisher = publisher;
        this.metadata = metadata;
    }

    @Override
    public void getMetadata(GetMetadataRequest request, StreamObserver<GetMetadataResponse> response) {
        response.onNext(metadata.proto());
        response.onCompleted();
    }

    @Override
    public void publishEvent(PublishEventRequest request, StreamObserver<Empty> response) {
        try {
            publisher.publish(new Publication(request.getPubsubName(), request.getTopic(), request.getData().toByteArray(),
                                              request.getDataContentType(), request.getMetadataMap(), TraceInterceptor.current()));
        } catch (PublishRefused e) {
            response.onError(Status.fromCode(e.reason().grpcCode).withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
    }
}
