package dev.drover.console.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Server-Sent Events format both ways: what the API sends is read as the browser would, and written safely. */
class SseEventTest {
    @Test
    void readsNamedEventsMultiLineDataAndComments() {
        List<SseEvent> events = new ArrayList<>();
        SseEvent.Reader reader = new SseEvent.Reader(events::add);
        for (String line : List.of("event: counts", "data: {\"a\":", "data:1}", "", ": keepalive", "", "data: plain", "id: 7", "",
                                   "event: nothing", "")) {
            reader.line(line);
        }
        assertEquals(List.of(new SseEvent("counts", "{\"a\":\n1}"), new SseEvent(SseEvent.COMMENT, "keepalive"),
                             new SseEvent("message", "plain")), events);
    }

    @Test
    void writingSplitsEveryLineBreakIntoItsOwnDataField() {
        assertEquals("event: candidate\ndata: <td>one\ndata: two\ndata: three</td>\n\n",
                     new SseEvent("candidate", "<td>one\ntwo\r\nthree</td>").wire());
        assertEquals(": keepalive\n\n", new SseEvent(SseEvent.COMMENT, "keepalive").wire());
    }
}
