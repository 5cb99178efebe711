package dev.drover.core.state;

import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateCounts;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.FileRef;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.run.RunRecord;
import redis.clients.jedis.resps.StreamEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules the state scripts keep (merge, paging, runs, ownership), as tables of cases over the real stores. Each
 * case gets a fresh state and throws when its rule is broken. {@link StateRulesTest} runs them against the shipped
 * scripts; {@link LuaMutantsTest} against deliberately broken ones, each of which some case must catch.
 */
final class StateRules {
    private StateRules() {
    }

    @FunctionalInterface
    interface Check {
        void run(RedisState state) throws Exception;
    }

    /** One row: a rule, by the behaviour a user sees, and the check that shows it. */
    record Case(String name, Check check) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String OWNER = "app-chart-migrator";
    private static final List<FileGroup> NEW_FILES =
            List.of(new FileGroup("staging", "https://git.example/gitops", List.of(new FileRef("apps/x/staging.yaml", ""))));
    private static final List<Step> OWN_STEPS = List.of(new Step("only-step", "", "other-migrator", "t", Map.of()));
    private static final List<Step> RUN_STEPS = List.of(new Step("bump", "", OWNER, "bump", Map.of()),
                                                        new Step("merge", "", OWNER, "merge", Map.of()));

    static List<Case> all() {
        List<Case> all = new ArrayList<>();
        all.addAll(merge());
        all.addAll(paging());
        all.addAll(runs());
        all.addAll(ownership());
        return all;
    }

    // ---------------------------------------------------------------- fixtures

    static Migration migration(String id) {
        return new Migration(id, "Upgrade the service chart", "", List.of(), RUN_STEPS, List.of());
    }

    private static String announce(RedisState state, String id) {
        state.migrations().announce(migration(id), OWNER);
        return id;
    }

    static DiscoveredCandidate candidate(String id, Map<String, String> metadata) {
        return new DiscoveredCandidate(id, "application", metadata,
                                       List.of(new FileGroup("production", "https://git.example/gitops",
                                                             List.of(new FileRef("apps/" + id + "/values.yaml", "")))),
                                       List.of());
    }

    private static Candidate find(RedisState state, String m, String id) {
        return state.candidates().find(m, id).orElseThrow(() -> new AssertionError("candidate " + id + " is gone"));
    }

    private static CandidateCounts counts(RedisState state, String m) {
        return state.migrations().counts(m).orElseThrow();
    }

    private static long count(RedisState state, String m, CandidateStatus status) {
        return counts(state, m).byStatus().get(status);
    }

    private static void assertMerged(MergeResult result, long added, long updated, long unchanged, long untouched) {
        assertEquals(new MergeResult(added, updated, unchanged, untouched), result);
    }

    private static List<StreamEntry> outbox(RedisState state) {
        return state.redis().xrange(state.keys().historyOutbox(), "-", "+");
    }

    /** Claims a new run of the candidate; returns its record. */
    private static RunRecord start(RedisState state, String m, String id) {
        return start(state, m, id, false);
    }

    private static RunRecord start(RedisState state, String m, String id, boolean rerun) {
        String runId = "run-" + UUID.randomUUID();
        RunStore.Claim claim = state.runs().claim(m, id, runId, "hash-of-" + runId, RUN_STEPS, "", rerun);
        assertTrue(claim instanceof RunStore.Claim.Claimed, "claim of " + id + ": " + claim);
        return state.runs().find(runId).orElseThrow();
    }

    private static StepState step(String name, StepStatus status) {
        return new StepState(name, status, 1, Map.of(), "", null, null, null);
    }

    /** Puts a candidate in a status the way runs do: a claim, then a failed step or the end of the run. */
    private static RunRecord runTo(RedisState state, String m, String id, CandidateStatus status) {
        RunRecord run = start(state, m, id);
        switch (status) {
            case RUNNING -> { }
            case FAILED -> assertTrue(state.runs().recordStep(run, step("bump", StepStatus.FAILED), Optional.of(CandidateStatus.FAILED)));
            case COMPLETED -> assertTrue(state.runs().finish(run, RunStatus.COMPLETED));
            case NOT_STARTED -> assertTrue(state.runs().finish(run, RunStatus.CANCELLED));
        }
        return run;
    }

    private static MigrationStamp stamp(RedisState state, String m) {
        return state.migrations().stamp(m).orElseThrow(() -> new AssertionError("migration " + m + " has no stamp"));
    }

    /** Runs {@code write} and checks whether the migration's stamp moved (what a kept read relies on: RenderedReads). */
    private static void assertStampMoves(RedisState state, String m, boolean moves, String what, Check write) throws Exception {
        MigrationStamp before = stamp(state, m);
        write.run(state);
        MigrationStamp after = stamp(state, m);
        if (moves) {
            assertNotEquals(before, after, what + " must move the migration's stamp");
        } else {
            assertEquals(before, after, what + " changes nothing a read shows, so the stamp stays");
        }
    }

    private static List<String> ids(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::id).toList();
    }

    // ---------------------------------------------------------------- merge (merge-candidates.lua)

    static List<Case> merge() {
        return List.of(
                new Case("merge: new candidates are added as not started, with their metadata, kind and files", state -> {
                    String m = announce(state, "merge-new");
                    assertMerged(state.candidates().merge(m, List.of(candidate("a", Map.of("team", "x", "env", "prod")),
                                                                    candidate("b", Map.of()))), 2, 0, 0, 0);
                    Candidate a = find(state, m, "a");
                    assertEquals(CandidateStatus.NOT_STARTED, a.status());
                    assertEquals(Map.of("team", "x", "env", "prod"), a.metadata());
                    assertEquals("application", a.kind());
                    assertEquals("apps/a/values.yaml", a.files().getFirst().files().getFirst().path());
                    assertEquals(a.createdAt(), a.updatedAt());
                    assertEquals(2, counts(state, m).total());
                    assertEquals(2, count(state, m, CandidateStatus.NOT_STARTED));
                    assertEquals(0, count(state, m, CandidateStatus.RUNNING));
                }),
                new Case("merge: a not-started candidate takes the new kind, files and steps; stored metadata values win", state -> {
                    String m = announce(state, "merge-not-started");
                    state.candidates().merge(m, List.of(candidate("a", Map.of("team", "operator-edited", "owner", "ann"))));
                    var rediscovered = new DiscoveredCandidate("a", "service", Map.of("team", "rediscovered", "tier", "gold"),
                                                               NEW_FILES, OWN_STEPS);
                    assertMerged(state.candidates().merge(m, List.of(rediscovered)), 0, 1, 0, 0);
                    Candidate a = find(state, m, "a");
                    assertEquals("service", a.kind());
                    assertEquals(NEW_FILES, a.files());
                    assertEquals(OWN_STEPS, a.steps());
                    assertEquals(Map.of("team", "operator-edited", "owner", "ann", "tier", "gold"), a.metadata());
                    assertEquals(CandidateStatus.NOT_STARTED, a.status());
                    assertTrue(a.updatedAt().isAfter(a.createdAt()), "an update moves updatedAt");
                }),
                new Case("merge: each changed field alone (kind, files, steps, a new metadata key) counts as an update", state -> {
                    String m = announce(state, "merge-each-field");
                    DiscoveredCandidate base = candidate("a", Map.of("team", "x"));
                    state.candidates().merge(m, List.of(base));
                    List<DiscoveredCandidate> changes = List.of(
                            new DiscoveredCandidate("a", "service", base.metadata(), base.files(), base.steps()),
                            new DiscoveredCandidate("a", "service", base.metadata(), NEW_FILES, base.steps()),
                            new DiscoveredCandidate("a", "service", base.metadata(), NEW_FILES, OWN_STEPS),
                            new DiscoveredCandidate("a", "service", Map.of("team", "x", "tier", "gold"), NEW_FILES, OWN_STEPS));
                    for (DiscoveredCandidate change : changes) {
                        assertMerged(state.candidates().merge(m, List.of(change)), 0, 1, 0, 0);
                    }
                    assertEquals(OWN_STEPS, find(state, m, "a").steps());
                }),
                new Case("merge: resubmitting the same candidate changes nothing", state -> {
                    String m = announce(state, "merge-same");
                    var batch = List.of(candidate("a", Map.of("team", "x")));
                    state.candidates().merge(m, batch);
                    Candidate before = find(state, m, "a");
                    assertMerged(state.candidates().merge(m, batch), 0, 0, 1, 0);
                    assertEquals(before, find(state, m, "a"));
                }),
                new Case("merge: running, failed and completed candidates are untouched", state -> {
                    String m = announce(state, "merge-owned");
                    state.candidates().merge(m, List.of(candidate("running", Map.of("team", "x")),
                                                        candidate("failed", Map.of("team", "x")),
                                                        candidate("completed", Map.of("team", "x"))));
                    runTo(state, m, "running", CandidateStatus.RUNNING);
                    runTo(state, m, "failed", CandidateStatus.FAILED);
                    runTo(state, m, "completed", CandidateStatus.COMPLETED);
                    List<String> owned = List.of("running", "failed", "completed");
                    List<Candidate> before = owned.stream().map(id -> find(state, m, id)).toList();
                    MergeResult result = state.candidates().merge(m, owned.stream().map(id -> new DiscoveredCandidate(
                            id, "other", Map.of("team", "y", "extra", "1"), NEW_FILES, OWN_STEPS)).toList());
                    assertMerged(result, 0, 0, 0, 3);
                    assertEquals(before, owned.stream().map(id -> find(state, m, id)).toList());
                    assertEquals(1, count(state, m, CandidateStatus.RUNNING));
                    assertEquals(1, count(state, m, CandidateStatus.FAILED));
                    assertEquals(1, count(state, m, CandidateStatus.COMPLETED));
                    assertEquals(0, count(state, m, CandidateStatus.NOT_STARTED));
                    assertEquals(List.of(), ids(page(state, m, Optional.empty(), Map.of("extra", "1"), "", 50).items()));
                }),
                new Case("merge: candidates absent from a submission are kept", state -> {
                    String m = announce(state, "merge-absent");
                    state.candidates().merge(m, List.of(candidate("a", Map.of()), candidate("b", Map.of())));
                    assertMerged(state.candidates().merge(m, List.of(candidate("c", Map.of()))), 1, 0, 0, 0);
                    assertEquals(3, counts(state, m).total());
                    assertTrue(state.candidates().find(m, "a").isPresent());
                }),
                new Case("merge: a mixed submission applies each row to its candidate", state -> {
                    String m = announce(state, "merge-mixed");
                    state.candidates().merge(m, List.of(candidate("same", Map.of()), candidate("changes", Map.of()),
                                                        candidate("owned", Map.of())));
                    runTo(state, m, "owned", CandidateStatus.RUNNING);
                    assertMerged(state.candidates().merge(m, List.of(candidate("same", Map.of()),
                                                                    candidate("changes", Map.of("new", "key")),
                                                                    candidate("owned", Map.of("new", "key")),
                                                                    candidate("fresh", Map.of()))), 1, 1, 1, 1);
                }),
                new Case("merge: each candidate of a batch keeps its own metadata, however many keys its neighbours have", state -> {
                    String m = announce(state, "merge-batch-metadata");
                    state.candidates().merge(m, List.of(candidate("a", Map.of("k1", "1", "k2", "2")), candidate("b", Map.of()),
                                                        candidate("c", Map.of("k3", "3"))));
                    assertEquals(Map.of("k1", "1", "k2", "2"), find(state, m, "a").metadata());
                    assertEquals(Map.of(), find(state, m, "b").metadata());
                    assertEquals(Map.of("k3", "3"), find(state, m, "c").metadata());
                    assertEquals(List.of("a", "b", "c"), ids(page(state, m, Optional.empty(), Map.of(), "", 50).items()));
                }),
                new Case("merge: rediscovered metadata keys are filterable and stored values keep their index", state -> {
                    String m = announce(state, "merge-index");
                    state.candidates().merge(m, List.of(candidate("a", Map.of("team", "blue"))));
                    state.candidates().merge(m, List.of(candidate("a", Map.of("team", "red", "env", "prod"))));
                    assertEquals(List.of("a"), ids(page(state, m, Optional.empty(), Map.of("team", "blue"), "", 50).items()));
                    assertEquals(List.of(), ids(page(state, m, Optional.empty(), Map.of("team", "red"), "", 50).items()));
                    assertEquals(List.of("a"), ids(page(state, m, Optional.empty(), Map.of("env", "prod"), "", 50).items()));
                }),
                new Case("merge: adding or updating a candidate moves the migration's stamp; a submission that changes nothing keeps it", state -> {
                    String m = announce(state, "merge-stamp");
                    assertStampMoves(state, m, true, "a new candidate",
                                     s -> s.candidates().merge(m, List.of(candidate("a", Map.of("team", "x")))));
                    assertStampMoves(state, m, false, "the same submission again",
                                     s -> s.candidates().merge(m, List.of(candidate("a", Map.of("team", "x")))));
                    assertStampMoves(state, m, true, "a new metadata key",
                                     s -> s.candidates().merge(m, List.of(candidate("a", Map.of("team", "x", "tier", "1")))));
                    runTo(state, m, "a", CandidateStatus.RUNNING);
                    assertStampMoves(state, m, false, "a resubmitted running candidate (untouched)",
                                     s -> s.candidates().merge(m, List.of(candidate("a", Map.of("team", "y")))));
                    assertEquals(Optional.empty(), state.migrations().stamp("never-announced"));
                }),
                new Case("merge: submitting to an unknown migration is refused and stores nothing", state -> {
                    assertThrows(MigrationNotFound.class,
                                 () -> state.candidates().merge("never-announced", List.of(candidate("a", Map.of()))));
                    assertFalse(state.redis().exists(state.keys().candidate("never-announced", "a")));
                    announce(state, "merge-known");
                    assertMerged(state.candidates().merge("merge-known", List.of(candidate("a", Map.of()))), 1, 0, 0, 0);
                }),
                new Case("merge: the submission's history entry carries the counts; without one, history gets nothing", state -> {
                    String m = announce(state, "merge-history");
                    state.candidates().merge(m, List.of(candidate("a", Map.of()), candidate("b", Map.of()),
                                                        candidate("owned", Map.of())));
                    assertEquals(List.of(), outbox(state), "no entry given, none appended");
                    runTo(state, m, "owned", CandidateStatus.RUNNING);
                    state.candidates().merge(m, List.of(candidate("a", Map.of()), candidate("b", Map.of("new", "key")),
                                                        candidate("owned", Map.of()), candidate("c", Map.of()),
                                                        candidate("d", Map.of())), "discovery-entry");
                    List<StreamEntry> entries = outbox(state);
                    assertEquals(1, entries.size());
                    assertEquals(Map.of("e", "discovery-entry", "m.added", "2", "m.updated", "1", "m.unchanged", "1",
                                        "m.untouched", "1"), entries.getFirst().getFields());
                }));
    }

    // ---------------------------------------------------------------- paging (page-candidates.lua)

    private static CandidatePage page(RedisState state, String m, Optional<CandidateStatus> status, Map<String, String> metadata,
                                      String idPrefix, String after, int limit) {
        return state.candidates().page(m, new CandidateQuery(status, metadata, idPrefix, after, limit));
    }

    private static CandidatePage page(RedisState state, String m, Optional<CandidateStatus> status, Map<String, String> metadata,
                                      String after, int limit) {
        return page(state, m, status, metadata, "", after, limit);
    }

    /** Every id a filter yields, page by page; each page but the last is full, and the walk must end. */
    private static List<String> walk(RedisState state, String m, Optional<CandidateStatus> status, Map<String, String> metadata,
                                     String idPrefix, int limit, int expectedMatches) {
        List<String> all = new ArrayList<>();
        String after = "";
        for (int pages = 0; ; pages++) {
            assertTrue(pages <= expectedMatches / limit + 1, "paging does not end; so far " + all);
            CandidatePage page = page(state, m, status, metadata, idPrefix, after, limit);
            all.addAll(ids(page.items()));
            if (page.nextAfterId().isEmpty()) {
                return all;
            }
            assertEquals(limit, page.items().size(), "a page before the last is full");
            after = page.nextAfterId().get();
        }
    }

    private static final int PAGED = 40;

    private static String pagedId(int i) {
        return "app-%03d".formatted(i);
    }

    /** 40 candidates: team t0..t2 by i % 3, env prod for even i; every 5th running, every 7th completed (0 running). */
    private static String loadPaged(RedisState state) {
        String m = announce(state, "paging");
        List<DiscoveredCandidate> all = new ArrayList<>();
        for (int i = 0; i < PAGED; i++) {
            all.add(candidate(pagedId(i), i % 2 == 0 ? Map.of("team", "t" + i % 3, "env", "prod") : Map.of("team", "t" + i % 3)));
        }
        state.candidates().merge(m, all);
        for (int i = 0; i < PAGED; i++) {
            if (i % 7 == 0) {
                runTo(state, m, pagedId(i), CandidateStatus.COMPLETED);
            } else if (i % 5 == 0) {
                runTo(state, m, pagedId(i), CandidateStatus.RUNNING);
            }
        }
        return m;
    }

    private static List<String> expected(java.util.function.IntPredicate filter) {
        return IntStream.range(0, PAGED).filter(filter).mapToObj(StateRules::pagedId).toList();
    }

    private static Case paged(String name, PagedCheck check) {
        return new Case(name, state -> check.run(state, loadPaged(state)));
    }

    @FunctionalInterface
    private interface PagedCheck {
        void run(RedisState state, String m);
    }

    static List<Case> paging() {
        return List.of(
                paged("paging: every candidate once, in id order, in full pages", (state, m) -> {
                    for (int limit : List.of(1, 7, 40, 500)) {
                        assertEquals(expected(i -> true), walk(state, m, Optional.empty(), Map.of(), "", limit, PAGED),
                                     "limit " + limit);
                    }
                }),
                paged("paging: a page that reaches the last candidate says there is no next page", (state, m) -> {
                    CandidatePage page = page(state, m, Optional.empty(), Map.of(), "", PAGED);
                    assertEquals(PAGED, page.items().size());
                    assertEquals(Optional.empty(), page.nextAfterId());
                    CandidatePage rest = page(state, m, Optional.empty(), Map.of(), "", 10);
                    assertEquals(Optional.of(pagedId(9)), rest.nextAfterId());
                }),
                paged("paging: a page resumes right after its cursor", (state, m) -> {
                    assertEquals(List.of(pagedId(13), pagedId(14)),
                                 ids(page(state, m, Optional.empty(), Map.of(), pagedId(12), 2).items()));
                    assertEquals(List.of(), ids(page(state, m, Optional.empty(), Map.of(), pagedId(PAGED - 1), 2).items()));
                }),
                paged("paging: the status filter yields exactly the candidates in that status", (state, m) -> {
                    assertEquals(expected(i -> i % 7 == 0), walk(state, m, Optional.of(CandidateStatus.COMPLETED), Map.of(), "", 2, PAGED));
                    assertEquals(expected(i -> i % 5 == 0 && i % 7 != 0),
                                 walk(state, m, Optional.of(CandidateStatus.RUNNING), Map.of(), "", 3, PAGED));
                    assertEquals(expected(i -> i % 5 != 0 && i % 7 != 0),
                                 walk(state, m, Optional.of(CandidateStatus.NOT_STARTED), Map.of(), "", 4, PAGED));
                    assertEquals(List.of(), walk(state, m, Optional.of(CandidateStatus.FAILED), Map.of(), "", 4, PAGED));
                }),
                paged("paging: metadata filters, alone, together and with a status, yield their intersection", (state, m) -> {
                    assertEquals(expected(i -> i % 3 == 1), walk(state, m, Optional.empty(), Map.of("team", "t1"), "", 4, PAGED));
                    assertEquals(expected(i -> i % 3 == 1 && i % 2 == 0),
                                 walk(state, m, Optional.empty(), Map.of("team", "t1", "env", "prod"), "", 2, PAGED));
                    assertEquals(expected(i -> i % 2 == 0 && i % 5 != 0 && i % 7 != 0),
                                 walk(state, m, Optional.of(CandidateStatus.NOT_STARTED), Map.of("env", "prod"), "", 3, PAGED));
                    assertEquals(expected(i -> i % 7 == 0 && i % 3 == 0),
                                 walk(state, m, Optional.of(CandidateStatus.COMPLETED), Map.of("team", "t0"), "", 1, PAGED));
                    assertEquals(List.of(), walk(state, m, Optional.empty(), Map.of("team", "nobody"), "", 5, PAGED));
                }),
                paged("paging: an id prefix yields exactly the ids that start with it", (state, m) -> {
                    assertEquals(expected(i -> i >= 10 && i < 20), walk(state, m, Optional.empty(), Map.of(), "app-01", 3, PAGED));
                    assertEquals(expected(i -> i >= 10 && i < 20 && i % 2 == 0),
                                 walk(state, m, Optional.empty(), Map.of("env", "prod"), "app-01", 2, PAGED));
                    assertEquals(List.of(), walk(state, m, Optional.empty(), Map.of(), "app-9", 2, PAGED));
                }),
                paged("paging: with an id prefix, a cursor before the prefix starts at the prefix, one after it ends", (state, m) -> {
                    assertEquals(List.of(pagedId(20), pagedId(21)),
                                 ids(page(state, m, Optional.empty(), Map.of(), "app-02", pagedId(5), 2).items()));
                    assertEquals(List.of(pagedId(24)),
                                 ids(page(state, m, Optional.empty(), Map.of(), "app-02", pagedId(23), 1).items()));
                    assertEquals(List.of(), ids(page(state, m, Optional.empty(), Map.of(), "app-01", pagedId(30), 5).items()));
                }),
                new Case("paging: an id equal to the prefix is in the prefix's range, once", state -> {
                    String m = announce(state, "paging-prefix-id");
                    state.candidates().merge(m, List.of(candidate("app", Map.of()), candidate("app-1", Map.of()),
                                                        candidate("app-2", Map.of()), candidate("apq", Map.of())));
                    assertEquals(List.of("app", "app-1", "app-2"), walk(state, m, Optional.empty(), Map.of(), "app", 1, 3));
                }),
                new Case("paging: a page larger than one read of the index (200 ids) holds every match", state -> {
                    String m = announce(state, "paging-large");
                    List<DiscoveredCandidate> all = IntStream.range(0, 450)
                            .mapToObj(i -> candidate("c-%04d".formatted(i), i % 2 == 0 ? Map.of("even", "yes") : Map.of()))
                            .toList();
                    state.candidates().merge(m, all);
                    CandidatePage page = page(state, m, Optional.empty(), Map.of(), "", 500);
                    assertEquals(450, page.items().size());
                    assertEquals(Optional.empty(), page.nextAfterId());
                    assertEquals(225, walk(state, m, Optional.empty(), Map.of("even", "yes"), "", 100, 225).size());
                }),
                new Case("paging: a sparse filter answers within its scan budget, and its cursor leads on to the match", state -> {
                    // 5002 ids carry a=1 and 5003 others b=1, only "u" both: the walk (over a=1, the smaller set) stops
                    // after the scan budget (5000 ids) with a cursor and no items; the next call finds the match.
                    String m = announce(state, "paging-sparse");
                    List<DiscoveredCandidate> all = new ArrayList<>();
                    for (int i = 0; i < CandidateStore.SCAN_BUDGET + 2; i++) {
                        all.add(candidate("s-%05d".formatted(i), Map.of("a", "1")));
                    }
                    for (int i = 0; i < CandidateStore.SCAN_BUDGET + 3; i++) {
                        all.add(candidate("t-%05d".formatted(i), Map.of("b", "1")));
                    }
                    all.add(candidate("u", Map.of("a", "1", "b", "1")));
                    for (int from = 0; from < all.size(); from += 1000) {
                        // In parts, so no one script holds the shared Redis for long.
                        state.candidates().merge(m, all.subList(from, Math.min(all.size(), from + 1000)));
                    }
                    CandidatePage first = page(state, m, Optional.empty(), Map.of("a", "1", "b", "1"), "", 10);
                    assertEquals(List.of(), ids(first.items()));
                    assertEquals(Optional.of("s-%05d".formatted(CandidateStore.SCAN_BUDGET - 1)), first.nextAfterId());
                    CandidatePage second = page(state, m, Optional.empty(), Map.of("a", "1", "b", "1"), first.nextAfterId().get(), 10);
                    assertEquals(List.of("u"), ids(second.items()));
                    assertEquals(Optional.empty(), second.nextAfterId());
                }));
    }

    // ---------------------------------------------------------------- runs (claim-run, record-step, finish-run)

    static List<Case> runs() {
        return List.of(
                new Case("runs: a claim, a step's state and a run's end each move the migration's stamp; a stale run's writes keep it", state -> {
                    String m = announce(state, "runs-stamp");
                    state.candidates().merge(m, List.of(candidate("a", Map.of())));
                    RunRecord[] run = new RunRecord[1];
                    assertStampMoves(state, m, true, "a claim", s -> run[0] = start(s, m, "a"));
                    assertStampMoves(state, m, false, "a refused claim",
                                     s -> s.runs().claim(m, "a", "run-refused", "h", RUN_STEPS));
                    assertStampMoves(state, m, true, "a step's state without a new status",
                                     s -> assertTrue(s.runs().recordStep(run[0], step("bump", StepStatus.DISPATCHED), Optional.empty())));
                    assertStampMoves(state, m, true, "the run's end",
                                     s -> assertTrue(s.runs().finish(run[0], RunStatus.COMPLETED)));
                    RunRecord second = start(state, m, "a", true);
                    assertStampMoves(state, m, false, "the old run's late step state",
                                     s -> assertFalse(s.runs().recordStep(run[0], step("merge", StepStatus.FAILED), Optional.empty())));
                    assertStampMoves(state, m, false, "the old run's end again",
                                     s -> assertFalse(s.runs().finish(run[0], RunStatus.CANCELLED)));
                    assertStampMoves(state, m, true, "the new run's cancel",
                                     s -> assertTrue(s.runs().finish(second, RunStatus.CANCELLED)));
                }),
                new Case("runs: a claim starts a not-started candidate: running, attempt 1, its run's record and step states", state -> {
                    String m = announce(state, "claim-new");
                    state.candidates().merge(m, List.of(candidate("a", Map.of()), candidate("b", Map.of())));
                    assertEquals(new RunStore.Claim.Claimed(1),
                                 state.runs().claim(m, "a", "run-1", "hash-1", RUN_STEPS));
                    Candidate a = find(state, m, "a");
                    assertEquals(CandidateStatus.RUNNING, a.status());
                    assertEquals("run-1", a.run().runId());
                    assertTrue(a.updatedAt().isAfter(a.createdAt()));
                    assertEquals(1, count(state, m, CandidateStatus.RUNNING));
                    assertEquals(1, count(state, m, CandidateStatus.NOT_STARTED));
                    RunRecord run = state.runs().find("run-1").orElseThrow();
                    assertEquals(List.of(m, "a", 1, RunStatus.RUNNING, "hash-1"),
                                 List.of(run.migrationId(), run.candidateId(), run.attempt(), run.status(), run.tokenHash()));
                    assertNotNull(run.startedAt());
                    assertEquals(RUN_STEPS, state.runs().steps("run-1"));
                    assertEquals(Map.of("bump", StepState.notStarted("bump"), "merge", StepState.notStarted("merge")),
                                 state.runs().stepStates(m, "a"));
                    assertEquals(Optional.of("run-1"), state.runs().currentRunId(m, "a"));
                }),
                new Case("runs: a running, failed or completed candidate is busy, naming its run; a missing one is missing", state -> {
                    String m = announce(state, "claim-busy");
                    state.candidates().merge(m, List.of(candidate("r", Map.of()), candidate("f", Map.of()), candidate("c", Map.of())));
                    RunRecord r = runTo(state, m, "r", CandidateStatus.RUNNING);
                    RunRecord f = runTo(state, m, "f", CandidateStatus.FAILED);
                    RunRecord c = runTo(state, m, "c", CandidateStatus.COMPLETED);
                    assertEquals(new RunStore.Claim.Busy(CandidateStatus.RUNNING, r.runId()),
                                 state.runs().claim(m, "r", "run-x", "h", RUN_STEPS));
                    assertEquals(new RunStore.Claim.Busy(CandidateStatus.FAILED, f.runId()),
                                 state.runs().claim(m, "f", "run-x", "h", RUN_STEPS, "", true));
                    assertEquals(new RunStore.Claim.Busy(CandidateStatus.COMPLETED, c.runId()),
                                 state.runs().claim(m, "c", "run-x", "h", RUN_STEPS));
                    assertEquals(new RunStore.Claim.Missing(), state.runs().claim(m, "nobody", "run-x", "h", RUN_STEPS));
                    assertEquals(Optional.empty(), state.runs().find("run-x"));
                    assertEquals(List.of(1L, 1L, 1L), List.of(count(state, m, CandidateStatus.RUNNING),
                                                              count(state, m, CandidateStatus.FAILED),
                                                              count(state, m, CandidateStatus.COMPLETED)));
                }),
                new Case("runs: a rerun claims a completed candidate as its next attempt, with fresh step states", state -> {
                    String m = announce(state, "claim-rerun");
                    state.candidates().merge(m, List.of(candidate("a", Map.of())));
                    RunRecord first = runTo(state, m, "a", CandidateStatus.RUNNING);
                    state.runs().recordStep(first, step("bump", StepStatus.SUCCEEDED), Optional.empty());
                    state.runs().finish(first, RunStatus.COMPLETED);
                    assertEquals(new RunStore.Claim.Claimed(2), state.runs().claim(m, "a", "run-2", "h", RUN_STEPS, "", true));
                    assertEquals(CandidateStatus.RUNNING, find(state, m, "a").status());
                    assertEquals(0, count(state, m, CandidateStatus.COMPLETED));
                    assertEquals(1, count(state, m, CandidateStatus.RUNNING));
                    assertEquals(StepState.notStarted("bump"), state.runs().stepState(m, "a", "bump").orElseThrow());
                    assertEquals(2, state.runs().find("run-2").orElseThrow().attempt());
                }),
                new Case("runs: a cancelled candidate starts again as attempt 2 with only the new run's step states", state -> {
                    String m = announce(state, "claim-again");
                    state.candidates().merge(m, List.of(candidate("a", Map.of())));
                    RunRecord first = start(state, m, "a");
                    state.runs().recordStep(first, step("bump", StepStatus.FAILED), Optional.empty());
                    assertTrue(state.runs().finish(first, RunStatus.CANCELLED));
                    List<Step> oneStep = List.of(new Step("merge", "", OWNER, "merge", Map.of()));
                    assertEquals(new RunStore.Claim.Claimed(2), state.runs().claim(m, "a", "run-2", "h", oneStep));
                    assertEquals(Map.of("merge", StepState.notStarted("merge")), state.runs().stepStates(m, "a"));
                }),
                new Case("runs: the current run's step is recorded, and moves the candidate when a status is given", state -> {
                    String m = announce(state, "step-current");
                    state.candidates().merge(m, List.of(candidate("a", Map.of())));
                    RunRecord run = start(state, m, "a");
                    Candidate before = find(state, m, "a");
                    assertTrue(state.runs().recordStep(run, step("bump", StepStatus.DISPATCHED), Optional.empty()));
                    assertEquals(StepStatus.DISPATCHED, state.runs().stepState(m, "a", "bump").orElseThrow().status());
                    Candidate dispatched = find(state, m, "a");
                    assertEquals(CandidateStatus.RUNNING, dispatched.status());
                    assertTrue(dispatched.updatedAt().isAfter(before.updatedAt()), "a step write moves updatedAt");
                    assertTrue(state.runs().recordStep(run, step("bump", StepStatus.FAILED), Optional.of(CandidateStatus.FAILED)));
                    assertEquals(CandidateStatus.FAILED, find(state, m, "a").status());
                    assertEquals(List.of(0L, 1L), List.of(count(state, m, CandidateStatus.RUNNING), count(state, m, CandidateStatus.FAILED)));
                    assertTrue(state.runs().recordStep(run, step("bump", StepStatus.SUCCEEDED), Optional.of(CandidateStatus.RUNNING)));
                    assertEquals(CandidateStatus.RUNNING, find(state, m, "a").status());
                    assertEquals(List.of(1L, 0L), List.of(count(state, m, CandidateStatus.RUNNING), count(state, m, CandidateStatus.FAILED)));
                }),
                new Case("runs: a stale run's step write is ignored", state -> {
                    String m = announce(state, "step-stale");
                    state.candidates().merge(m, List.of(candidate("a", Map.of())));
                    RunRecord old = start(state, m, "a");
                    state.runs().finish(old, RunStatus.CANCELLED);
                    start(state, m, "a");
                    Candidate before = find(state, m, "a");
                    assertFalse(state.runs().recordStep(old, step("bump", StepStatus.FAILED), Optional.of(CandidateStatus.FAILED),
                                                        "stale-entry"));
                    assertFalse(state.runs().recordStep(old, step("bump", StepStatus.FAILED), Optional.empty()));
                    assertEquals(before, find(state, m, "a"));
                    assertEquals(StepState.notStarted("bump"), state.runs().stepState(m, "a", "bump").orElseThrow());
                    assertEquals(List.of(), outbox(state));
                }),
                new Case("runs: finishing completes the candidate, or after a cancel leaves it not started; only once", state -> {
                    String m = announce(state, "finish");
                    state.candidates().merge(m, List.of(candidate("done", Map.of()), candidate("cancelled", Map.of())));
                    RunRecord done = start(state, m, "done");
                    RunRecord cancelled = start(state, m, "cancelled");
                    assertTrue(state.runs().finish(done, RunStatus.COMPLETED));
                    assertTrue(state.runs().finish(cancelled, RunStatus.CANCELLED));
                    assertEquals(CandidateStatus.COMPLETED, find(state, m, "done").status());
                    assertEquals(CandidateStatus.NOT_STARTED, find(state, m, "cancelled").status());
                    assertEquals(List.of(0L, 1L, 1L), List.of(count(state, m, CandidateStatus.RUNNING),
                                                              count(state, m, CandidateStatus.COMPLETED),
                                                              count(state, m, CandidateStatus.NOT_STARTED)));
                    RunRecord doneRecord = state.runs().find(done.runId()).orElseThrow();
                    assertEquals(RunStatus.COMPLETED, doneRecord.status());
                    assertNotNull(doneRecord.finishedAt());
                    assertEquals(RunStatus.CANCELLED, state.runs().find(cancelled.runId()).orElseThrow().status());
                    Candidate before = find(state, m, "cancelled");
                    assertFalse(state.runs().finish(cancelled, RunStatus.CANCELLED), "a run ends once");
                    assertFalse(state.runs().finish(done, RunStatus.COMPLETED), "a run ends once");
                    assertEquals(before, find(state, m, "cancelled"));
                }),
                new Case("runs: a stale run's end is recorded in its own record and history, never on the candidate", state -> {
                    String m = announce(state, "finish-stale");
                    state.candidates().merge(m, List.of(candidate("a", Map.of())));
                    RunRecord old = start(state, m, "a");
                    // The old run's record is still running (its workflow has not ended it yet) when a newer run owns
                    // the candidate.
                    state.runs().recordStep(old, step("bump", StepStatus.CANCELLED), Optional.of(CandidateStatus.NOT_STARTED));
                    RunRecord current = start(state, m, "a");
                    Candidate before = find(state, m, "a");
                    assertFalse(state.runs().finish(old, RunStatus.COMPLETED, "old-ended"));
                    assertEquals(RunStatus.COMPLETED, state.runs().find(old.runId()).orElseThrow().status());
                    assertEquals(before, find(state, m, "a"));
                    assertEquals(List.of("old-ended"), outbox(state).stream().map(e -> e.getFields().get("e")).toList());
                    assertTrue(state.runs().finish(current, RunStatus.COMPLETED));
                }),
                new Case("runs: history gets each claim with its attempt, each written step and each end, and nothing else", state -> {
                    String m = announce(state, "run-history");
                    state.candidates().merge(m, List.of(candidate("a", Map.of())));
                    state.runs().claim(m, "a", "run-1", "h", RUN_STEPS, "claim-1");
                    RunRecord first = state.runs().find("run-1").orElseThrow();
                    state.runs().recordStep(first, step("bump", StepStatus.DISPATCHED), Optional.empty(), "step-1");
                    state.runs().recordStep(first, step("bump", StepStatus.PENDING), Optional.empty());
                    state.runs().finish(first, RunStatus.CANCELLED, "end-1");
                    state.runs().claim(m, "a", "run-2", "h", RUN_STEPS, "claim-2");
                    state.runs().claim(m, "a", "run-3", "h", RUN_STEPS, "busy-claim");
                    assertEquals(List.of(Map.of("e", "claim-1", "attempt", "1"), Map.of("e", "step-1"), Map.of("e", "end-1"),
                                         Map.of("e", "claim-2", "attempt", "2")),
                                 outbox(state).stream().map(StreamEntry::getFields).toList());
                }));
    }

    // ---------------------------------------------------------------- ownership (announce, transfer-migration)

    static List<Case> ownership() {
        return List.of(
                new Case("ownership: a changed definition, a transfer and an owner for an ownerless migration move its stamp", state -> {
                    String m = announce(state, "owned-stamp");
                    assertStampMoves(state, m, false, "the same definition again", s -> s.migrations().announce(migration(m), OWNER));
                    assertStampMoves(state, m, false, "another app's refused announcement",
                                     s -> s.migrations().announce(migration(m).withMigratorUrl("http://thief"), "thief"));
                    assertStampMoves(state, m, true, "a changed definition",
                                     s -> s.migrations().announce(migration(m).withMigratorUrl("http://migrator"), OWNER));
                    assertStampMoves(state, m, true, "a transfer", s -> s.migrations().transfer(m, "second"));
                    // A migration stored before owners were kept: its first announcement since names an owner.
                    state.redis().hdel(state.keys().migration(m), "owner");
                    assertStampMoves(state, m, true, "the owner a re-announcement gives",
                                     s -> s.migrations().announce(migration(m).withMigratorUrl("http://migrator"), OWNER));
                    assertEquals(OWNER, stamp(state, m).owner());
                }),
                new Case("ownership: the first announcer owns the migration; another app is refused and changes nothing", state -> {
                    Migration first = migration("owned");
                    assertEquals(new MigrationStore.Announced.Stored(true), state.migrations().announce(first, OWNER));
                    var stored = state.migrations().find("owned").orElseThrow();
                    assertEquals(OWNER, stored.owner());
                    assertEquals(new MigrationStore.Announced.Refused(OWNER),
                                 state.migrations().announce(first.withMigratorUrl("http://thief"), "thief"));
                    assertEquals(stored, state.migrations().find("owned").orElseThrow());
                    assertEquals(List.of("owned"), state.migrations().list().stream().map(s -> s.migration().id()).toList());
                }),
                new Case("ownership: re-announcing says whether the definition changed, and keeps createdAt", state -> {
                    Migration first = migration("reannounced");
                    state.migrations().announce(first, OWNER);
                    var stored = state.migrations().find("reannounced").orElseThrow();
                    assertEquals(new MigrationStore.Announced.Stored(false), state.migrations().announce(first, OWNER));
                    assertEquals(stored, state.migrations().find("reannounced").orElseThrow(), "an unchanged announcement writes nothing");
                    Migration changed = first.withMigratorUrl("http://migrator");
                    assertEquals(new MigrationStore.Announced.Stored(true), state.migrations().announce(changed, OWNER));
                    var after = state.migrations().find("reannounced").orElseThrow();
                    assertEquals(changed, after.migration());
                    assertEquals(stored.createdAt(), after.createdAt());
                    assertNotEquals(stored.updatedAt(), after.updatedAt());
                }),
                new Case("ownership: a transfer hands the migration to the new owner alone and names the previous one", state -> {
                    state.migrations().announce(migration("moved"), OWNER);
                    assertEquals(Optional.of(OWNER), state.migrations().transfer("moved", "new-owner"));
                    assertEquals(Optional.of("new-owner"), state.migrations().owner("moved"));
                    assertEquals(new MigrationStore.Announced.Refused("new-owner"), state.migrations().announce(migration("moved"), OWNER));
                    assertEquals(new MigrationStore.Announced.Stored(false), state.migrations().announce(migration("moved"), "new-owner"));
                    assertThrows(MigrationNotFound.class, () -> state.migrations().transfer("never-announced", "new-owner"));
                    assertFalse(state.migrations().exists("never-announced"));
                }),
                new Case("ownership: a transfer's history entry names the previous owner when there was one", state -> {
                    state.migrations().announce(migration("audited"), OWNER);
                    state.migrations().transfer("audited", "second", "transfer-1");
                    // A migration stored before owners were kept has none.
                    state.redis().hdel(state.keys().migration("audited"), "owner");
                    assertEquals(Optional.empty(), state.migrations().transfer("audited", "third", "transfer-2"));
                    state.migrations().transfer("audited", "fourth");
                    assertEquals(List.of(Map.of("e", "transfer-1", "d.previousOwner", OWNER), Map.of("e", "transfer-2")),
                                 outbox(state).stream().map(StreamEntry::getFields).toList());
                }));
    }
}
