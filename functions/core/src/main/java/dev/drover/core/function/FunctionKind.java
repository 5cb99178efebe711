package dev.drover.core.function;

/**
 * How a function is reached: an operator or migrator calls a REST route, the event bus delivers to a subscription,
 * or a person's browser asks for pages anywhere under a path prefix (the console: GET pages, POST forms).
 */
public enum FunctionKind {
    REST,
    SUBSCRIPTION,
    PAGES
}
