package dev.drover.core.rollout;

/**
 * Where a rollout is in its waves: {@code index} from 0; {@code size} null for the rest of the selection after the
 * last wave; {@code waiting} "promote", an ISO-8601 instant the next wave starts at, or null when not waiting.
 */
public record WaveState(int index, Integer size, String waiting) {
}
