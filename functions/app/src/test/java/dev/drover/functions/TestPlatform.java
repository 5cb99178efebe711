package dev.drover.functions;

import dev.drover.core.state.RedisState;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;

import java.net.URI;
import java.util.UUID;

/** Platforms for tests that do not run candidates: nothing listens where Temporal and the broker would be. */
final class TestPlatform {
    private TestPlatform() {
    }

    static Platform withoutRuns(RedisState state) {
        return new Platform(state, new RunClient(new TemporalSettings("127.0.0.1:1", "default").client()),
                            URI.create("http://127.0.0.1:1/drover/default"), history(), TestTrust.TRUST);
    }

    /** A private in-memory history (H2), as the local stack has by default. */
    static History history() {
        return History.open(HistorySettings.inMemory("functions-test-" + UUID.randomUUID()));
    }
}
