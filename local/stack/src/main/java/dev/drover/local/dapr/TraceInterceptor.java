package dev.drover.local.dapr;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Carries a gRPC call's W3C trace metadata ({@code traceparent}, {@code tracestate}) to the service, as daprd's
 * tracing interceptor starts the publish call's span from it.
 */
final class TraceInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> TRACESTATE = Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<TraceContext> SPAN = Context.key("dapr-publish-span");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        TraceContext span = TraceContext.of(headers.get(TRACEPARENT), headers.get(TRACESTATE));
        return Contexts.interceptCall(Context.current().withValue(SPAN, span), call, headers, next);
    }

    /** The current call's span; a new trace outside a call. */
    static TraceContext current() {
        TraceContext span = SPAN.get();
        return span == null ? TraceContext.of(null, null) : span;
    }
}
