package dev.drover.core.function;

/** How a function is reached: an operator or migrator calls a REST route, or the event bus delivers to a subscription. */
public enum FunctionKind {
    REST,
    SUBSCRIPTION
}
