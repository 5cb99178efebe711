package dev.drover.migrator;

import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;

/**
 * {@code POST /discover}: any CloudEvent (a PingSource tick, a git push event) or an empty POST runs
 * discovery again. The event's content does not matter: discovery always scans everything.
 */
final class DiscoverRoute implements Function {
    private final DiscoveryRuns runs;

    DiscoverRoute(DiscoveryRuns runs) {
        this.runs = runs;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("discover", Method.POST, "/discover", dev.drover.core.auth.Access.CONTENT);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (req.content().hasEntity()) {
            req.content().consume();
        }
        runs.trigger();
        Http.json(res, Status.ACCEPTED_202, Map.of("triggered", true));
    }
}
