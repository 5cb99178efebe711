package dev.drover.functions;

import dev.drover.core.state.RedisState;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;

import java.net.URI;

/** Platforms for tests that do not run candidates: nothing listens where Temporal and the broker would be. */
final class TestPlatform {
    private TestPlatform() {
    }

    static Platform withoutRuns(RedisState state) {
        return new Platform(state, new RunClient(new TemporalSettings("127.0.0.1:1", "default").client()),
                            URI.create("http://127.0.0.1:1/drover/default"));
    }
}
