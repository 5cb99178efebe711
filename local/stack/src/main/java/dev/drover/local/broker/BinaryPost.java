package dev.drover.local.broker;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * POSTs a CloudEvent in binary mode, as Knative's dispatcher does: every attribute as a {@code ce-*}
 * header (percent-encoded by the CloudEvents HTTP binding), the data as the body with
 * {@code Content-Type} set to the event's {@code datacontenttype}.
 */
final class BinaryPost {
    private BinaryPost() {
    }

    static HttpResponse<byte[]> send(HttpClient http, URI uri, CloudEvent event, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
        byte[][] body = {new byte[0]};
        HttpMessageFactory.createWriter(request::header, bytes -> body[0] = bytes).writeBinary(event);
        request.POST(body[0].length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body[0]));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The answers Knative retries: the subscriber may not be ready yet, or is busy or failing for now. */
    static boolean retryable(int status) {
        return status == 404 || status == 408 || status == 409 || status == 429 || status >= 500;
    }
}
