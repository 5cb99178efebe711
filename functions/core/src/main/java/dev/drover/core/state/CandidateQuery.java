package dev.drover.core.state;

import dev.drover.contract.model.CandidateStatus;

import java.util.Map;
import java.util.Optional;

/**
 * A page request: optional status, metadata and id-prefix filters (all must match), where to resume, how many.
 *
 * @param idPrefix only ids that start with it; '' for every id
 */
public record CandidateQuery(Optional<CandidateStatus> status, Map<String, String> metadata, String idPrefix, String afterId,
                             int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public CandidateQuery {
        metadata = Map.copyOf(metadata);
        idPrefix = idPrefix == null ? "" : idPrefix;
        afterId = afterId == null ? "" : afterId;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }

    /** Without an id prefix. */
    public CandidateQuery(Optional<CandidateStatus> status, Map<String, String> metadata, String afterId, int limit) {
        this(status, metadata, "", afterId, limit);
    }
}
