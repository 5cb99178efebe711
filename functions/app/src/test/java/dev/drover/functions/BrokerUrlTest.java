package dev.drover.functions;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The step relay's sink: K_SINK (a Knative SinkBinding) first, DROVER_BROKER_URL as the fallback. */
class BrokerUrlTest {
    @Test
    void kSinkWinsOverTheConfiguredBroker() {
        assertEquals(URI.create("http://kafka-broker-ingress.knative-eventing.svc.cluster.local/drover/drover"),
                     Main.brokerUrl(Map.of("K_SINK", "http://kafka-broker-ingress.knative-eventing.svc.cluster.local/drover/drover",
                                           "DROVER_BROKER_URL", "http://broker-ingress.knative-eventing.svc.cluster.local/drover/drover")));
    }

    @Test
    void withoutKSinkTheConfiguredBrokerThenTheLocalDefault() {
        assertEquals(URI.create("http://broker-ingress.knative-eventing.svc.cluster.local/drover/drover"),
                     Main.brokerUrl(Map.of("K_SINK", " ", "DROVER_BROKER_URL", "http://broker-ingress.knative-eventing.svc.cluster.local/drover/drover")));
        assertEquals(URI.create("http://127.0.0.1:8081/drover/default"), Main.brokerUrl(Map.of()));
    }

    @Test
    void aSinkThatIsNoUrlIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Main.brokerUrl(Map.of("K_SINK", "broker ingress")));
        assertTrue(e.getMessage().startsWith("K_SINK="), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Main.brokerUrl(Map.of("DROVER_BROKER_URL", "relative/path")));
    }
}
