package dev.drover.contract.event;

import dev.drover.contract.model.InvalidInput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How a CloudEvent is read off HTTP, in both modes, by either side. */
class CloudEventsTest {
    private static final String STRUCTURED = """
            {"specversion":"1.0","id":"e-1","source":"/test","type":"dev.drover.test","datacontenttype":"application/json",
             "data":{"hello":"world"}}""";

    @Test
    void aStructuredEventIsReadWhateverTheCaseOfItsMediaType() {
        for (String contentType : List.of("application/cloudevents+json", "Application/CloudEvents+JSON; charset=UTF-8")) {
            CloudEvents.Delivered delivered = CloudEvents.read(List.of(Map.entry("Content-Type", contentType)),
                                                               STRUCTURED.getBytes(StandardCharsets.UTF_8));
            assertEquals("e-1", delivered.event().getId(), contentType);
            assertEquals("dev.drover.test", delivered.event().getType(), contentType);
            assertEquals("{\"hello\":\"world\"}", new String(delivered.data(), StandardCharsets.UTF_8).replace(" ", ""), contentType);
        }
    }

    @Test
    void aBinaryEventKeepsItsDataBytesExactly() {
        byte[] data = "{ \"a\" : 1 }".getBytes(StandardCharsets.UTF_8);
        CloudEvents.Delivered delivered = CloudEvents.read(List.of(Map.entry("ce-specversion", "1.0"), Map.entry("ce-id", "e-2"),
                                                                   Map.entry("ce-source", "/test"), Map.entry("ce-type", "dev.drover.test"),
                                                                   Map.entry("content-type", "application/json")), data);
        assertEquals("e-2", delivered.event().getId());
        assertArrayEquals(data, delivered.data(), "what a signature covers: the bytes as sent");
    }

    @Test
    void whatIsNoCloudEventIsRefusedAsMalformed() {
        InvalidInput noVersion = assertThrows(InvalidInput.class, () -> CloudEvents.read(
                List.of(Map.entry("content-type", "application/cloudevents+json")), "{\"id\":\"no spec version\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("malformed_event", noVersion.code());
        InvalidInput noHeaders = assertThrows(InvalidInput.class, () -> CloudEvents.read(
                List.of(Map.entry("content-type", "application/json")), new byte[0]));
        assertEquals("malformed_event", noHeaders.code());
    }
}
