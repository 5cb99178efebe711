package dev.drover.local.stream;

/** Delivers one message; an exception counts as {@link Outcome#retry(String)}. */
@FunctionalInterface
public interface MessageHandler {
    Outcome deliver(StreamMessage message);
}
