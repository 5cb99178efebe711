package dev.drover.functions.writes;

import dev.drover.core.function.FunctionMain;
import dev.drover.core.function.StateFunctionMain;
import dev.drover.functions.trust.TrustedProxies;

import java.util.Map;

/**
 * Serves the write functions ({@link WriteCatalog}) from their own image, {@code drover-writes}: the one named by
 * {@code FUNCTION} (each Knative Service), or all of them without it. Each opens Redis and nothing else; its
 * readiness asks Redis.
 */
public final class WriteMain {
    private WriteMain() {
    }

    public static void main(String[] args) {
        FunctionMain.run(WriteMain::start);
    }

    /**
     * Starts the write functions {@code env} selects.
     *
     * @throws IllegalArgumentException when a setting is missing or wrong, or {@code FUNCTION} names no write function
     */
    static StateFunctionMain.Started start(Map<String, String> env) {
        TrustedProxies proxies = TrustedProxies.fromEnvironment(env);
        return StateFunctionMain.start(env, "drover-writes", WriteCatalog::write,
                                       (state, name) -> WriteCatalog.build(new WriteCatalog.Parts(state, proxies), name));
    }
}
