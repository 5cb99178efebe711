package dev.drover.local.dapr;

import com.google.protobuf.Empty;
import io.dapr.v1.DaprGrpc;
import io.dapr.v1.DaprMetadataProtos.GetMetadataRequest;
import io.dapr.v1.DaprMetadataProtos.GetMetadataResponse;
import io.dapr.v1.DaprPubsubProtos.BulkPublishRequest;
import io.dapr.v1.DaprPubsubProtos.BulkPublishRequestEntry;
import io.dapr.v1.DaprPubsubProtos.BulkPublishResponse;
import io.dapr.v1.DaprPubsubProtos.BulkPublishResponseFailedEntry;
import io.dapr.v1.DaprPubsubProtos.PublishEventRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code dapr.proto.runtime.v1.Dapr/PublishEvent}, what {@code DaprClient.publishEvent} calls, {@code BulkPublishEvent}
 * and {@code BulkPublishEventAlpha1}, what the SDKs' bulk publish calls, and {@code GetMetadata}, what SDKs read about
 * the sidecar. Every other method of the Dapr service answers
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
    public void bulkPublishEvent(BulkPublishRequest request, StreamObserver<BulkPublishResponse> response) {
        bulk(request, response);
    }

    @Override
    public void bulkPublishEventAlpha1(BulkPublishRequest request, StreamObserver<BulkPublishResponse> response) {
        bulk(request, response);
    }

    /** Each entry as its own event; the answer names the entries that could not be stored (none: all were). */
    private void bulk(BulkPublishRequest request, StreamObserver<BulkPublishResponse> response) {
        List<BulkEntry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (BulkPublishRequestEntry entry : request.getEntriesList()) {
            if (entry.getEntryId().isEmpty() || !ids.add(entry.getEntryId())) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("entryId is duplicated or not present for entry")
                                         .asRuntimeException());
                return;
            }
            entries.add(new BulkEntry(entry.getEntryId(), entry.getEvent().toByteArray(), entry.getContentType(),
                                      entry.getMetadataCount() == 0 ? null : entry.getMetadataMap()));
        }
        Map<String, String> failed;
        try {
            failed = publisher.publishBulk(request.getPubsubName(), request.getTopic(), request.getMetadataMap(), entries,
                                           TraceInterceptor.current());
        } catch (PublishRefused e) {
            response.onError(Status.fromCode(e.reason().grpcCode).withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        BulkPublishResponse.Builder answer = BulkPublishResponse.newBuilder();
        failed.forEach((id, error) -> answer.addFailedEntries(BulkPublishResponseFailedEntry.newBuilder().setEntryId(id).setError(error)));
        response.onNext(answer.build());
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
