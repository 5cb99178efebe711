package dev.drover.workflows.rollout;

import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.core.rollout.Selector;
import dev.drover.core.state.CandidatePage;
import dev.drover.core.state.CandidateQuery;
import dev.drover.core.state.CandidateStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks the candidates a {@link Selector} matches, in id order, one page at a time through the listing's own
 * paging ({@link CandidateStore#page}): one walk, so each candidate is met once however its status changes
 * meanwhile. One status walks that status's index; several walk every candidate (or the metadata indexes) and
 * keep those in one of the statuses; {@code idPrefix} is the listing's own range of the id index.
 */
public final class Selection {
    /** Where a walk stands: after which id, and whether it is over. */
    public record Cursor(String afterId, boolean done) {
        public static final Cursor START = new Cursor("", false);
    }

    /** One page of selected candidate ids and where the walk goes on. */
    public record Page(List<String> ids, Cursor next) {
    }

    /** The most listing pages one call reads, so a sparse selection costs a bounded amount per call. */
    private static final int READS_PER_CALL = 20;

    private final CandidateStore candidates;

    public Selection(CandidateStore candidates) {
        this.candidates = candidates;
    }

    public Page next(String migrationId, Selector selector, Cursor cursor, int limit) {
        if (cursor.done()) {
            return new Page(List.of(), cursor);
        }
        List<String> ids = new ArrayList<>();
        return selector.ids().isEmpty() ? walk(migrationId, selector, cursor, limit, ids) : listed(migrationId, selector, cursor, limit, ids);
    }

    /** An explicit id list: each id after the cursor, checked against the other filters. */
    private Page listed(String migrationId, Selector selector, Cursor cursor, int limit, List<String> ids) {
        String after = cursor.afterId();
        for (String id : selector.ids()) {
            if (id.compareTo(after) <= 0) {
                continue;
            }
            after = id;
            candidates.find(migrationId, id).filter(c -> selector.matches(c.id(), c.status(), c.metadata()))
                    .ifPresent(c -> ids.add(c.id()));
            if (ids.size() == limit) {
                return new Page(ids, new Cursor(after, id.equals(selector.ids().getLast())));
            }
        }
        return new Page(ids, new Cursor(after, true));
    }

    private Page walk(String migrationId, Selector selector, Cursor cursor, int limit, List<String> ids) {
        List<CandidateStatus> statuses = selector.statuses();
        Optional<CandidateStatus> index = statuses.size() == 1 ? Optional.of(statuses.getFirst()) : Optional.empty();
        String after = cursor.afterId();
        for (int read = 0; read < READS_PER_CALL && ids.size() < limit; read++) {
            CandidatePage page = candidates.page(migrationId, new CandidateQuery(index, selector.metadata(), selector.idPrefix(), after,
                                                                                 Math.min(CandidateQuery.MAX_LIMIT, limit - ids.size())));
            for (Candidate candidate : page.items()) {
                after = candidate.id();
                if (selector.matches(candidate.id(), candidate.status(), candidate.metadata())) {
                    ids.add(candidate.id());
                }
            }
            if (page.nextAfterId().isEmpty()) {
                return new Page(ids, new Cursor(after, true));
            }
            after = page.nextAfterId().get();
        }
        return new Page(ids, new Cursor(after, false));
    }

    /** How many candidates the selector matches now: one full walk. */
    public long count(String migrationId, Selector selector) {
        long count = 0;
        Cursor cursor = Cursor.START;
        while (!cursor.done()) {
            Page page = next(migrationId, selector, cursor, CandidateQuery.MAX_LIMIT);
            count += page.ids().size();
            cursor = page.next();
        }
        return count;
    }
}
