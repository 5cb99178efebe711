package dev.drover.workflows.rollout;

import dev.drover.core.rollout.RolloutProgress;
import dev.drover.core.rollout.RolloutSpec;
import dev.drover.core.rollout.Selector;
import io.temporal.activity.ActivityInterface;

import java.util.List;
import java.util.Map;

/** Every side effect of a rollout: reading its selection, starting runs, checking on them, saving its record. */
@ActivityInterface
public interface RolloutActivities {
    /** A run to start: the workflow picks the run id, so a retried start is the same start. */
    record StartRequest(String candidateId, String runId) {
    }

    /** How a start came out: {@code started}, {@code skipped} (with why), or {@code unavailable} (Temporal did not answer). */
    record StartResult(String candidateId, String runId, String outcome, String reason) {
        public static final String STARTED = "started";
        public static final String SKIPPED = "skipped";
        public static final String UNAVAILABLE = "unavailable";
    }

    long count(String migrationId, Selector selector);

    Selection.Page page(String migrationId, Selector selector, Selection.Cursor cursor, int limit);

    /** Starts each run through the same path as an operator's start, on behalf of the rollout's creator. */
    List<StartResult> start(RolloutSpec spec, List<StartRequest> starts);

    /**
     * The runs among {@code inFlight} (candidate id to run id) that ended or have a failed step, read from Redis:
     * the safety net behind the signals runs send.
     */
    List<RunEnd> ended(String migrationId, Map<String, String> inFlight);

    void save(RolloutSpec spec, RolloutProgress progress);
}
