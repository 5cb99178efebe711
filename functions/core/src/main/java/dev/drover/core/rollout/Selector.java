package dev.drover.core.rollout;

import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.InvalidInput;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which candidates a rollout or a bulk action acts on: the candidate listing's filters, all of which must
 * match. {@code status} is any of the statuses (none given: every status); {@code ids} limits the selection
 * to those ids (none given: no limit); {@code idPrefix} to ids starting with it.
 */
public record Selector(List<String> status, Map<String, String> metadata, List<String> ids, String idPrefix) {
    public static final int IDS_MAX = Check.LIST_MAX;

    public Selector {
        status = status == null ? List.of() : List.copyOf(new TreeSet<>(status));
        for (String s : status) {
            if (CandidateStatus.parse(s).isEmpty()) {
                throw new InvalidInput("selector.status: '" + s + "' is not one of " + CandidateStatus.names());
            }
        }
        metadata = metadata == null ? Map.of() : new TreeMap<>(Check.metadata("selector.metadata", metadata));
        for (String key : metadata.keySet()) {
            if (!Check.META_KEY.matcher(key).matches()) {
                throw new InvalidInput("selector.metadata: key '" + key + "' must match " + Check.META_KEY.pattern());
            }
        }
        ids = ids == null ? List.of() : List.copyOf(new TreeSet<>(Check.list("selector.ids", ids, IDS_MAX)));
        for (String id : ids) {
            Check.slug("selector.ids[]", id);
        }
        idPrefix = idPrefix == null ? "" : idPrefix;
        if (!idPrefix.isEmpty() && (idPrefix.length() > Check.SLUG_MAX || !PREFIX.matcher(idPrefix).matches())) {
            throw new InvalidInput("selector.idPrefix must be the start of a slug (lower-case letters, digits, '-', '.', '_'), got '"
                                           + idPrefix + "'");
        }
    }

    private static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]*");

    /** The statuses given (empty: any status). */
    public List<CandidateStatus> statuses() {
        List<CandidateStatus> result = new ArrayList<>();
        status.forEach(s -> result.add(CandidateStatus.fromWire(s)));
        return result;
    }

    public boolean matches(String id, CandidateStatus candidateStatus, Map<String, String> candidateMetadata) {
        return (status.isEmpty() || status.contains(candidateStatus.wire()))
                && (ids.isEmpty() || ids.contains(id))
                && id.startsWith(idPrefix)
                && metadata.entrySet().stream().allMatch(e -> e.getValue().equals(candidateMetadata.get(e.getKey())));
    }
}
