package dev.drover.core.function;

import io.helidon.webserver.http.Handler;

/** One REST endpoint or one event subscription: a small class that says what it is and handles its route. */
public interface Function extends Handler {
    FunctionSpec spec();
}
