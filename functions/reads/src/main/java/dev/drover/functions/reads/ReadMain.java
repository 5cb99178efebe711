package dev.drover.functions.reads;

import dev.drover.core.function.FunctionMain;
import dev.drover.core.function.StateFunctionMain;

import java.util.Map;

/**
 * Serves the read functions ({@link ReadCatalog}) from their own image, {@code drover-reads}: the one named by
 * {@code FUNCTION} (each Knative Service), or all of them without it. Each opens Redis and nothing else; its
 * readiness asks Redis.
 */
public final class ReadMain {
    private ReadMain() {
    }

    public static void main(String[] args) {
        FunctionMain.run(ReadMain::start);
    }

    /**
     * Starts the read functions {@code env} selects.
     *
     * @throws IllegalArgumentException when a setting is missing or wrong, or {@code FUNCTION} names no read function
     */
    static StateFunctionMain.Started start(Map<String, String> env) {
        return StateFunctionMain.start(env, "drover-reads", ReadCatalog::read, ReadCatalog::build);
    }
}
