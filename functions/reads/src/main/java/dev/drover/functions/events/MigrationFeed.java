package dev.drover.functions.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateCounts;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.run.RunSummary;
import dev.drover.core.state.RedisState;
import io.helidon.http.sse.SseEvent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The live feed of one migration while someone watches it: turns the messages of its channel into events, once for
 * all its streams, on one thread, so every stream sees them in the order they were published. A candidate message
 * gets the candidate's run summary read here (the scripts publish ids and status only); counts are read again
 * after changes, at most every {@link #COUNTS_EVERY}.
 */
final class MigrationFeed {
    private static final System.Logger LOGGER = System.getLogger(MigrationFeed.class.getName());
    /** At most about four counts events a second, however fast candidates change. */
    static final Duration COUNTS_EVERY = Duration.ofMillis(250);
    private static final String STOP = "";

    /** The data of a {@code counts} event. */
    record Counts(String migrationId, long total, Map<CandidateStatus, Long> byStatus) {
        static Counts of(String migrationId, CandidateCounts counts) {
            return new Counts(migrationId, counts.total(), counts.byStatus());
        }
    }

    /** The data of a {@code candidate} event. */
    record CandidateChange(String migrationId, String candidateId, CandidateStatus status, RunSummary run) {
    }

    private final String migrationId;
    private final RedisState state;
    private final Set<EventStream> streams = new CopyOnWriteArraySet<>();
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

    MigrationFeed(String migrationId, RedisState state) {
        this.migrationId = migrationId;
        this.state = state;
        Thread.ofVirtual().name("events-" + migrationId).start(this::relay);
    }

    void add(EventStream stream) {
        streams.add(stream);
    }

    /** @return whether no stream is left */
    boolean remove(EventStream stream) {
        streams.remove(stream);
        return streams.isEmpty();
    }

    void publish(String message) {
        messages.add(message);
    }

    /** Counts are read again soon: after a reconnect of the subscription, for what it may have missed. */
    void refreshCounts() {
        messages.add("{\"type\":\"counts\"}");
    }

    void stop() {
        messages.add(STOP);
    }

    /** The counts as they stand, as the first event of a stream. */
    Optional<SseEvent> counts() {
        return state.migrations().counts(migrationId).map(counts -> event("counts", Counts.of(migrationId, counts)));
    }

    private void relay() {
        boolean countsDue = false;
        long nextCounts = 0;
        while (true) {
            String message;
            try {
                long wait = countsDue ? Math.max(0, nextCounts - System.nanoTime()) : TimeUnit.DAYS.toNanos(1);
                message = messages.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (STOP.equals(message)) {
                return;
            }
            try {
                if (message != null) {
                    countsDue |= relay(message);
                }
                if (countsDue && System.nanoTime() - nextCounts >= 0) {
                    counts().ifPresent(this::send);
                    countsDue = false;
                    nextCounts = System.nanoTime() + COUNTS_EVERY.toNanos();
                }
            } catch (RuntimeException e) {
                // Redis away for a moment, a message nobody can read: this event is lost, the feed goes on.
                LOGGER.log(Level.WARNING, "events of " + migrationId + ": skipped one (" + e + ")");
            }
        }
    }

    /** Sends what {@code message} says; returns whether the counts may have changed. */
    private boolean relay(String message) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(message);
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "events of " + migrationId + ": ignored a message that is not JSON");
            return false;
        }
        if (!(json instanceof ObjectNode fields)) {
            return false;
        }
        String type = fields.path("type").asText();
        fields.remove("type");
        switch (type) {
            case "candidate" -> {
                if (fields.has("run")) {
                    // Complete as published (a new candidate: no run to read).
                    send(SseEvent.builder().name("candidate").data(Json.string(fields)).build());
                } else {
                    // The state as it is now, not as it was when published: events of one candidate never go back in time.
                    Optional<Candidate> candidate = state.candidates().find(migrationId, fields.path("candidateId").asText());
                    candidate.ifPresent(c -> send(event("candidate", new CandidateChange(migrationId, c.id(), c.status(), c.run()))));
                }
                return true;
            }
            case "rollout" -> {
                send(SseEvent.builder().name("rollout").data(Json.string(fields)).build());
                return true;
            }
            case "counts" -> {
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void send(SseEvent event) {
        streams.forEach(stream -> stream.offer(event));
    }

    static SseEvent event(String name, Object data) {
        return SseEvent.builder().name(name).data(Json.string(data)).build();
    }
}
