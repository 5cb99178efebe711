package dev.drover.functions;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A process serving several functions opens what any of them uses, and nothing that none uses. */
class PlatformUseTest {
    @Test
    void aProcessOpensWhatAnyOfItsFunctionsUses() {
        assertEquals(PlatformUse.NONE, PlatformUse.of(List.of()));
        assertEquals(PlatformUse.NONE, PlatformUse.of(List.of(PlatformUse.NONE, PlatformUse.NONE)));
        assertEquals(PlatformUse.STATE, PlatformUse.of(List.of(PlatformUse.NONE, PlatformUse.STATE)));
        assertEquals(PlatformUse.STATE, PlatformUse.of(List.of(PlatformUse.STATE, PlatformUse.NONE)));
        assertEquals(PlatformUse.ALL, PlatformUse.of(List.of(PlatformUse.STATE_AND_RUNS, PlatformUse.STATE_AND_HISTORY)));
        assertEquals(new PlatformUse(false, true, false), new PlatformUse(false, true, false).and(PlatformUse.NONE));
        assertEquals(new PlatformUse(false, false, true), PlatformUse.NONE.and(new PlatformUse(false, false, true)));
        assertEquals(PlatformUse.STATE_AND_RUNS, PlatformUse.STATE.and(new PlatformUse(false, true, false)));
    }
}
