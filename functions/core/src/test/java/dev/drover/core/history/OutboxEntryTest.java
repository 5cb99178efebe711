package dev.drover.core.history;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history outbox's text: what the Redis scripts carry between a state change and the history writer. Whatever an
 * entry held must come out of it whole, or the history says something else than what happened.
 */
class OutboxEntryTest {
    private static final Instant AT = Instant.parse("2026-12-04T05:00:00.123Z");

    private static final HistoryEvent DISPATCHED = new HistoryEvent("run-1:bump:1:dispatched", EventKind.STEP_DISPATCHED, AT, "m",
                                                                    "c", "run-1", 2, "bump", 1, "dispatched", null, null,
                                                                    Map.of());
    private static final HistoryEvent REPORTED = new HistoryEvent("run-1:bump:1:completed", EventKind.STEP_COMPLETED, AT.plusSeconds(5),
                                                                  "m", "c", "run-1", null, "bump", 1, "failed",
                                                                  Duration.ofMillis(5_250), "chart not found", Map.of("pr", "42"));
    private static final OperatorAction ACTION = new OperatorAction(AT, "ana", "start", "m", "c", "run-1", "10.0.0.7",
                                                                    Map.of("inputs", "target-version"));

    @Test
    void eventsComeBackWithEveryFieldSetOrUnset() {
        OutboxEntry entry = OutboxEntry.decode(OutboxEntry.encode(List.of(DISPATCHED, REPORTED)));
        assertEquals(List.of(DISPATCHED, REPORTED), entry.events());
        assertEquals(null, entry.action());
    }

    @Test
    void anOperatorActionComesBackWhole() {
        OutboxEntry entry = OutboxEntry.decode(OutboxEntry.encode(ACTION));
        assertEquals(ACTION, entry.action());
        assertEquals(List.of(), entry.events());
    }

    @Test
    void theScriptsFieldsGiveEveryEventItsAttemptAndMetadataAndTheActionItsDetail() {
        OutboxEntry events = OutboxEntry.decode(OutboxEntry.encode(List.of(DISPATCHED, REPORTED)))
                .withScriptFields(Map.of("e", "ignored", "attempt", "3", "m.added", "7"));
        for (HistoryEvent e : events.events()) {
            assertEquals(3, e.attempt(), "the claim's attempt, which only the script knew");
        }
        assertEquals(Map.of("added", "7"), events.events().get(0).metadata(), "the m. fields, nothing else");
        assertEquals(Map.of("pr", "42", "added", "7"), events.events().get(1).metadata(), "the event's own metadata kept");

        OutboxEntry action = OutboxEntry.decode(OutboxEntry.encode(ACTION))
                .withScriptFields(Map.of("d.previousOwner", "old-app", "d.inputs", "from the script", "attempt", "9"));
        assertEquals(Map.of("previousOwner", "old-app", "inputs", "target-version"), action.action().detail(),
                     "the script's detail added, the action's own kept where both name a key");

        OutboxEntry plain = OutboxEntry.decode(OutboxEntry.encode(List.of(DISPATCHED)));
        assertSame(plain, plain.withScriptFields(Map.of("e", "text")), "nothing the script added: the entry as it was");
        OutboxEntry plainAction = OutboxEntry.decode(OutboxEntry.encode(ACTION));
        assertSame(plainAction, plainAction.withScriptFields(Map.of("m.added", "7")), "an action takes d. fields only");
    }

    @Test
    void whatIsNoEntryIsRefusedAsSuch() {
        for (String text : List.of("{not json", "{}", "{\"events\":[{\"kind\":\"NO_SUCH_KIND\",\"at\":1}]}", "{\"events\":[]}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutboxEntry.decode(text), text);
            assertTrue(e.getMessage().startsWith("not a history outbox entry") || e.getMessage().contains("events or one action"),
                       e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new OutboxEntry(List.of(DISPATCHED), ACTION), "both");
        assertThrows(IllegalArgumentException.class, () -> new OutboxEntry(null, null), "neither");
        OutboxEntry entry = OutboxEntry.decode(OutboxEntry.encode(DISPATCHED));
        assertThrows(IllegalArgumentException.class, () -> entry.withScriptFields(Map.of("attempt", "two")), "an attempt not a number");
    }
}
