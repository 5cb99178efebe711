package dev.drover.core.state;

import dev.drover.contract.model.CandidateStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key layout operators see in Redis (documented in functions/core/README.md) and the event channels. */
class KeysTest {
    private final Keys keys = new Keys("drover:");

    @Test
    void everyKeyOfAMigrationSharesItsHashTag() {
        for (String key : List.of(keys.migration("m-1"), keys.candidates("m-1"), keys.candidate("m-1", "c"),
                                  keys.candidateMetadata("m-1", "c"), keys.candidateInputs("m-1", "c"), keys.candidateSteps("m-1", "c"),
                                  keys.candidateRuns("m-1", "c"), keys.status("m-1", CandidateStatus.NOT_STARTED),
                                  keys.metadataIndex("m-1", "team", "x"), keys.announcements("m-1"))) {
            assertTrue(key.startsWith("drover:") && key.contains("{m-1}"), key);
        }
        assertEquals("drover:m:{m-1}:c:c:meta", keys.candidateMetadata("m-1", "c"));
        assertEquals("drover:m:{m-1}:s:not_started", keys.status("m-1", CandidateStatus.NOT_STARTED));
        assertEquals("drover:run:r-1", keys.run("r-1"));
        assertEquals("drover:history:outbox", keys.historyOutbox());
    }

    @Test
    void aMetadataIndexKeyIsUnambiguousWhateverTheKeyAndValueHold() {
        assertEquals("drover:m:{m}:x:team=blue", keys.metadataIndex("m", "team", "blue"));
        assertNotEquals(keys.metadataIndex("m", "a=b", "c"), keys.metadataIndex("m", "a", "b=c"));
        assertEquals("a%3Db=c+d", Keys.metadataIndexSuffix("a=b", "c d"));
    }

    @Test
    void anEventChannelNamesItsMigrationAndMatchesThePattern() {
        String channel = keys.events("m-1");
        assertEquals("drover:events:m-1", channel);
        assertEquals("m-1", keys.migrationOfEvents(channel));
        assertEquals("drover:events:*", keys.eventsPattern());
    }
}
