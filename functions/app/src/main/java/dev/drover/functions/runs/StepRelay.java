package dev.drover.functions.runs;

import dev.drover.contract.signing.ProofRefused;
import dev.drover.core.event.DaprStatus;
import dev.drover.core.event.EventDelivery;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.contract.model.InvalidInput;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.SignatureVerifier;
import dev.drover.contract.signing.Signatures;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Subscribes (Dapr) to {@code migration-steps} and pushes each step event by HTTP to the broker, whose
 * trigger for the event's migrator wakes that migrator. This is the bridge between the two buses: a
 * Dapr sidecar pulls, so it cannot wake a migrator scaled to zero; a Knative Broker pushes, so it can.
 * The event goes on in binary mode with every attribute it came with, its migrator extension included.
 */
public final class StepRelay implements Function {
    private static final System.Logger LOGGER = System.getLogger(StepRelay.class.getName());

    private final URI broker;
    private final SignatureVerifier signatures;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public StepRelay(URI broker, SignatureVerifier signatures) {
        this.broker = broker;
        this.signatures = signatures;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.subscription("step-relay", StepEvent.TOPIC, "/relay/steps");
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws InterruptedException {
        EventDelivery delivery = EventDelivery.read(req);
        if (delivery.event().isEmpty() || !StepEvent.TYPE.equals(delivery.event().get().getType())) {
            throw new InvalidInput("not a step event: " + delivery.describe());
        }
        CloudEvent event = delivery.event().get();
        // The topic is open to whatever can publish through a sidecar: push on only what the platform signed.
        Object addressee = event.getExtension(StepEvent.MIGRATOR_EXTENSION);
        Object signature = event.getExtension(Signatures.EVENT_EXTENSION);
        try {
            signatures.verifyEvent(signature == null ? null : signature.toString(), addressee == null ? "" : addressee.toString(),
                                   event.getId(), event.getType(), delivery.data());
        } catch (ProofRefused e) {
            throw new InvalidInput("invalid_signature", "step event " + event.getId() + " is not the platform's: " + e.getMessage());
        }
        HttpRequest.Builder push = HttpRequest.newBuilder(broker).timeout(Duration.ofSeconds(10));
        byte[][] body = new byte[1][];
        try {
            HttpMessageFactory.createWriter(push::header, bytes -> body[0] = bytes).writeBinary(event);
        } catch (IllegalArgumentException e) {
            // Binary mode puts every attribute in a header: one with a control character (NUL, CR) cannot travel.
            throw new InvalidInput("unrelayable_event", "step event " + event.getId() + " cannot be relayed: an attribute is not a valid "
                    + "HTTP header value (" + e.getMessage() + ")");
        }
        try {
            HttpResponse<String> answer = http.send(push.POST(HttpRequest.BodyPublishers.ofByteArray(body[0] == null ? new byte[0] : body[0])).build(),
                                                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 == 2) {
                DaprStatus.SUCCESS.send(res, Status.OK_200);
            } else if (answer.statusCode() / 100 == 4 && answer.statusCode() != 404 && answer.statusCode() != 429) {
                LOGGER.log(Level.ERROR, "the broker refused step event " + event.getId() + " for good (" + answer.statusCode() + "): " + answer.body());
                DaprStatus.DROP.send(res, Status.OK_200, "the broker refused the event for good (" + answer.statusCode() + ")");
            } else {
                LOGGER.log(Level.WARNING, "the broker answered " + answer.statusCode() + " for step event " + event.getId() + "; redelivery asked");
                DaprStatus.RETRY.send(res, Status.SERVICE_UNAVAILABLE_503);
            }
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "the broker at " + broker + " is unreachable (" + e.getMessage() + "); redelivery asked");
            DaprStatus.RETRY.send(res, Status.SERVICE_UNAVAILABLE_503);
        }
    }
}
