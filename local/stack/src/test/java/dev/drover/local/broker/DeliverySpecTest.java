package dev.drover.local.broker;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Knative's backoff: retry n waits delay * 2^n (exponential) or delay * n (linear). */
class DeliverySpecTest {
    @Test
    void exponentialAndLinearBackoff() {
        DeliverySpec exponential = DeliverySpec.of(3, "exponential", "PT0.1S");
        assertEquals(4, exponential.maxAttempts());
        assertEquals(Duration.ofMillis(200), exponential.delayBefore(2));
        assertEquals(Duration.ofMillis(400), exponential.delayBefore(3));
        assertEquals(Duration.ofMillis(800), exponential.delayBefore(4));

        DeliverySpec linear = DeliverySpec.of(3, "Linear", "PT0.1S");
        assertEquals(Duration.ofMillis(100), linear.delayBefore(2));
        assertEquals(Duration.ofMillis(200), linear.delayBefore(3));
        assertEquals(Duration.ofMillis(300), linear.delayBefore(4));
    }

    @Test
    void refusesWhatKnativeWouldRefuse() {
        assertThrows(IllegalArgumentException.class, () -> DeliverySpec.of(3, "random", "PT1S"));
        assertThrows(IllegalArgumentException.class, () -> DeliverySpec.of(3, "linear", "1s"));
        assertThrows(IllegalArgumentException.class, () -> DeliverySpec.of(-1, "linear", "PT1S"));
    }
}
