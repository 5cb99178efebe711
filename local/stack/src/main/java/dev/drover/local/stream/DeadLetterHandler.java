package dev.drover.local.stream;

/**
 * Keeps a message that will not be delivered. The message is acknowledged only after this returns, so
 * an exception (Redis down, a sink that refuses) leaves it pending to be dead-lettered again later.
 */
@FunctionalInterface
public interface DeadLetterHandler {
    /**
     * @param message the message, its attempt the last one made
     * @param last    why it is given up: the last attempt's outcome
     */
    void deadLetter(StreamMessage message, Outcome last);
}
