package dev.drover.local.stream;

import java.util.Optional;

/**
 * What became of one delivery attempt.
 *
 * @param kind         done (acknowledge), retry later, or dead-letter now
 * @param reason       for logs and dead letters; empty when done
 * @param lastResponse the subscriber's HTTP answer, when there was one (a dead-letter sink reports it)
 */
public record Outcome(Kind kind, String reason, Optional<Response> lastResponse) {
    public enum Kind {
        /** Delivered, or deliberately dropped: acknowledge, never deliver again. */
        DONE,
        /** Try again after the schedule's delay; dead-letter once the attempts are used up. */
        RETRY,
        /** Will never succeed: dead-letter without further attempts. */
        DEAD_LETTER
    }

    /** An HTTP answer, kept for dead letters. */
    public record Response(int status, byte[] body) {
    }

    public static final Outcome DONE = new Outcome(Kind.DONE, "", Optional.empty());

    public static Outcome retry(String reason) {
        return new Outcome(Kind.RETRY, reason, Optional.empty());
    }

    public static Outcome retry(String reason, Response response) {
        return new Outcome(Kind.RETRY, reason, Optional.of(response));
    }

    public static Outcome deadLetter(String reason, Response response) {
        return new Outcome(Kind.DEAD_LETTER, reason, Optional.of(response));
    }

    public static Outcome deadLetter(String reason) {
        return new Outcome(Kind.DEAD_LETTER, reason, Optional.empty());
    }
}
