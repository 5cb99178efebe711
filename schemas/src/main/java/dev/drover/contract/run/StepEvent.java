package dev.drover.contract.run;

import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.FileGroup;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data of a step event (CloudEvent type {@value #TYPE}): everything a migrator needs to execute one
 * step for one candidate and report back. JSON Schema: schemas/events/step-dispatched.schema.json.
 *
 * @param runId     the run; callbacks go to {@code callback.url}, which names it
 * @param attempt   the run's attempt number for this candidate (1 for the first start)
 * @param dispatch  how many times this step was dispatched in this run; callbacks echo it
 * @param inputs    the operator's inputs as they stand at dispatch (also applied over candidate metadata)
 */
public record StepEvent(String runId,
                        int attempt,
                        int dispatch,
                        String migrationId,
                        StepRef step,
                        CandidateRef candidate,
                        Map<String, String> inputs,
                        CallbackAddress callback) {
    /** The CloudEvent type of a dispatched step. */
    public static final String TYPE = "dev.drover.step.dispatched";
    /** The CloudEvent extension naming the migrator app that must execute the step. */
    public static final String MIGRATOR_EXTENSION = "migratorapp";
    /** The pub/sub topic step events are published on. */
    public static final String TOPIC = "migration-steps";

    /**
     * A step as a migrator sees it. {@code migratorApp} is sent in a dry-run request only (the request carries every
     * step, and a migrator skips the ones another app executes); a step event leaves it out: it is addressed already.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record StepRef(String name, String type, Map<String, String> config, String migratorApp) {
        public StepRef(String name, String type, Map<String, String> config) {
            this(name, type, config, null);
        }
    }

    public record CandidateRef(String id, String kind, Map<String, String> metadata, List<FileGroup> files) {
        /** The candidate as a migrator sees it: the operator's inputs applied over its metadata. */
        public static CandidateRef of(Candidate candidate, Map<String, String> inputs) {
            Map<String, String> metadata = new HashMap<>(candidate.metadata());
            metadata.putAll(inputs);
            return new CandidateRef(candidate.id(), candidate.kind(), metadata, candidate.files());
        }
    }

    /** Where and with what token to report: POST {@code url} with a {@link Callback}. */
    public record CallbackAddress(String url, String token) {
    }
}
