package dev.drover.local.broker;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.types.Time;

import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Map;

/**
 * Knative's attributes filter: an event passes when, for every filter entry, it has that attribute
 * (context attribute or extension) and, unless the filter's value is empty, with exactly that value.
 */
final class TriggerFilter {
    private TriggerFilter() {
    }

    static boolean matches(Map<String, String> filter, CloudEvent event) {
        for (Map.Entry<String, String> entry : filter.entrySet()) {
            Object value = event.getAttributeNames().contains(entry.getKey())
                    ? event.getAttribute(entry.getKey())
                    : event.getExtension(entry.getKey());
            if (value == null) {
                return false;
            }
            if (!entry.getValue().isEmpty() && !entry.getValue().equals(text(value))) {
                return false;
            }
        }
        return true;
    }

    /** An attribute as its string form in binary mode, which is what a filter value is compared with. */
    private static String text(Object value) {
        return switch (value) {
            case OffsetDateTime time -> Time.writeTime(time);
            case SpecVersion version -> version.toString();
            case byte[] bytes -> Base64.getEncoder().encodeToString(bytes);
            default -> value.toString();
        };
    }
}
