package dev.drover.console.web;

import io.helidon.webserver.http.ServerResponse;

/**
 * One page or action of the console: a small class per route, registered in {@code Console}'s router. It asks the
 * API with {@link PageRequest#token()} (through {@code ConsoleApi}) and answers HTML; an {@code ApiError} it lets
 * escape becomes the page's error state (sign-in, "your role cannot ...", not found, unavailable).
 */
@FunctionalInterface
public interface Page {
    void serve(PageRequest req, ServerResponse res);
}
