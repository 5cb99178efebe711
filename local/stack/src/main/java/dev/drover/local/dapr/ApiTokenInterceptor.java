package dev.drover.local.dapr;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The gRPC API's token check, as daprd's interceptor does it: the first {@code dapr-api-token} metadata
 * value must be the token; a call without it or with another one ends UNAUTHENTICATED, description
 * "Unauthorized" (daprd's status text for its 401; its ErrorInfo detail is not reproduced).
 */
final class ApiTokenInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> KEY = Metadata.Key.of(ApiToken.HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private final ApiToken token;

    ApiTokenInterceptor(ApiToken token) {
        this.token = token;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Iterable<String> values = headers.getAll(KEY);
        String first = values == null ? null : values.iterator().next();
        if (token.accepts(first)) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription("Unauthorized"), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
