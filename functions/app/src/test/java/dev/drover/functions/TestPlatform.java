package dev.drover.functions;

import dev.drover.core.state.RedisState;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;
import dev.drover.workflows.outbox.HistoryOutboxWriter;

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

    /**
     * Persists what the functions and runs put in the platform's history outbox, as the history writer does
     * in the worker: tests that read history call it first, so their reads do not race the writer.
     */
    static void drain(Platform platform) {
        new HistoryOutboxWriter(platform.state().redis(), platform.state().keys(), platform.history(), "test").drainAll();
    }

    /** A private in-memory history (H2), as the local stack has by default. */
    static History history() {
        return History.open(HistorySettings.inMemory("functions-test-" + UUID.randomUUID()));
    }
}
