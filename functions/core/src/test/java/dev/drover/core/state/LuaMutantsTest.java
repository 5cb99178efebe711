package dev.drover.core.state;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutation testing of the Lua scripts, which PIT cannot mutate: each mutant below breaks one rule of one script (a
 * flipped comparison, a dropped branch, a wrong status, key or count), and the cases of {@link StateRules} for that
 * script, run against the real Redis with the broken script loaded, must catch it. A mutant no case catches fails
 * here with its description, unless it is listed as equivalent with the reason; an equivalent mutant that some case
 * does catch fails too (the reason was wrong). A mutant whose original text is not found exactly once in its script
 * fails, so the list cannot rot silently when a script changes. How to add one: functions/core/README.md.
 */
class LuaMutantsTest {
    /** One deliberate break: {@code original} (found exactly once in {@code script}) becomes {@code replacement}. */
    record Mutant(String script, String description, String original, String replacement, Optional<String> equivalentBecause) {
    }

    private static Mutant mutant(String script, String description, String original, String replacement) {
        return new Mutant(script, description, original, replacement, Optional.empty());
    }

    /** A mutant no user could tell from the script: the reason says why. */
    private static Mutant equivalent(String script, String description, String original, String replacement, String because) {
        return new Mutant(script, description, original, replacement, Optional.of(because));
    }

    private static final String MERGE = "merge-candidates.lua";
    private static final String PAGE = "page-candidates.lua";
    private static final String CLAIM = "claim-run.lua";
    private static final String STEP = "record-step.lua";
    private static final String FINISH = "finish-run.lua";
    private static final String ANNOUNCE = "announce.lua";
    private static final String TRANSFER = "transfer-migration.lua";

    /** The cases that pin each script's rules. */
    private static final Map<String, List<StateRules.Case>> CASES = Map.of(
            MERGE, StateRules.merge(), PAGE, StateRules.paging(),
            CLAIM, StateRules.runs(), STEP, StateRules.runs(), FINISH, StateRules.runs(),
            ANNOUNCE, StateRules.ownership(), TRANSFER, StateRules.ownership());

    static final List<Mutant> MUTANTS = List.of(
            // merge-candidates.lua
            mutant(MERGE, "an unknown migration is treated as known (and a known one as unknown)",
                   "if redis.call('EXISTS', m) == 0 then", "if redis.call('EXISTS', m) == 1 then"),
            mutant(MERGE, "a new candidate is stored as running",
                   "'status', 'not_started', 'createdAt', now", "'status', 'running', 'createdAt', now"),
            mutant(MERGE, "a new candidate is left out of the not-started index (counts, status filter)",
                   "    redis.call('ZADD', m .. ':s:not_started', 0, id)\n", ""),
            mutant(MERGE, "a new candidate is left out of the migration's index (total, paging)",
                   "    redis.call('ZADD', m .. ':c', 0, id)\n", ""),
            mutant(MERGE, "a new candidate's metadata is not indexed (metadata filter)",
                   "      redis.call('ZADD', m .. ':x:' .. ARGV[j + 2], 0, id)\n    end\n    -- A new", "    end\n    -- A new"),
            mutant(MERGE, "a running or failed candidate is updated like a not-started one",
                   "elseif status == 'not_started' then", "elseif status ~= 'completed' then"),
            mutant(MERGE, "rediscovered metadata values overwrite the stored ones",
                   "if redis.call('HSETNX', c .. ':meta', ARGV[j], ARGV[j + 1]) == 1 then",
                   "if redis.call('HSET', c .. ':meta', ARGV[j], ARGV[j + 1]) >= 0 then"),
            mutant(MERGE, "a change of steps alone is not an update",
                   "stored[1] ~= kind or stored[2] ~= files or stored[3] ~= steps", "stored[1] ~= kind or stored[2] ~= files"),
            mutant(MERGE, "a change of kind alone is not an update",
                   "stored[1] ~= kind or stored[2] ~= files", "stored[2] ~= files"),
            mutant(MERGE, "a new metadata key alone is not an update",
                   "        changed = true\n", ""),
            mutant(MERGE, "a rediscovered metadata key is not indexed",
                   "        redis.call('ZADD', m .. ':x:' .. ARGV[j + 2], 0, id)\n        changed = true",
                   "        changed = true"),
            mutant(MERGE, "an update is counted as unchanged",
                   "      updated = updated + 1", "      unchanged = unchanged + 1"),
            mutant(MERGE, "an unchanged candidate is counted as updated",
                   "      unchanged = unchanged + 1", "      updated = updated + 1"),
            mutant(MERGE, "a candidate a run owns is not counted",
                   "    untouched = untouched + 1\n", ""),
            mutant(MERGE, "an update keeps the old updatedAt",
                   "'steps', steps, 'updatedAt', now)", "'steps', steps)"),
            mutant(MERGE, "off by one: a candidate's metadata runs into the next candidate's id",
                   "local metaEnd = metaFirst + 3 * tonumber(ARGV[i + 4]) - 1", "local metaEnd = metaFirst + 3 * tonumber(ARGV[i + 4]) + 2"),
            mutant(MERGE, "a merge without a history entry appends one anyway",
                   "if ARGV[2] ~= '' then", "if true then"),
            mutant(MERGE, "the history entry carries the wrong count",
                   "'m.updated', updated,", "'m.updated', added,"),
            mutant(MERGE, "a merge that adds candidates keeps the stamp: kept pages would miss them",
                   "if added + updated > 0 then\n  redis.call('HINCRBY', m, 'version', 1)\nend\n", ""),
            mutant(MERGE, "a merge that only updates candidates keeps the stamp",
                   "if added + updated > 0 then", "if added > 0 then"),

            // page-candidates.lua
            mutant(PAGE, "a page holds one more than the limit",
                   "if #ids == limit or scanned >= budget then", "if #ids > limit or scanned >= budget then"),
            mutant(PAGE, "a page ignores the filters after the one it walks",
                   "if k ~= smallest and not redis.call('ZSCORE', KEYS[k], id) then",
                   "if k ~= smallest and redis.call('ZSCORE', KEYS[k], id) then"),
            mutant(PAGE, "a cursor before the id prefix is not moved to the prefix",
                   "if cursor ~= '' and (prefix == '' or cursor >= prefix) then", "if cursor ~= '' then"),
            mutant(PAGE, "a cursor equal to the id prefix is not skipped",
                   "(prefix == '' or cursor >= prefix)", "(prefix == '' or cursor > prefix)"),
            mutant(PAGE, "an id equal to the prefix is outside the prefix's range",
                   "min, max = '[' .. prefix,", "min, max = '(' .. prefix,"),
            mutant(PAGE, "the page resumes at its cursor, repeating it",
                   "    from = '(' .. cursor", "    from = '[' .. cursor"),
            mutant(PAGE, "a full page that reaches the last id still offers a next page",
                   "      if #redis.call('ZRANGEBYLEX', walk, '(' .. id, max, 'LIMIT', 0, 1) == 0 then\n        return {ids, ''}\n      end\n",
                   ""),
            mutant(PAGE, "a full page says there is no next page",
                   "      end\n      return {ids, id}", "      end\n      return {ids, ''}"),
            mutant(PAGE, "a full page read from the middle of a batch says there is no next page",
                   "      if i < #batch then\n        return {ids, id}", "      if i < #batch then\n        return {ids, ''}"),
            equivalent(PAGE, "an unfiltered page reads no id beyond the page",
                       "limit - #ids + 1)", "limit - #ids)",
                       "the page then ends on its batch's last id, and the script asks the index whether a next id exists: "
                               + "one more call inside the script, the same answer"),
            mutant(PAGE, "the end of the walk offers a next page",
                   "  if #batch == 0 then\n    return {ids, ''}", "  if #batch == 0 then\n    return {ids, cursor}"),
            mutant(PAGE, "the walk reads the same batch again and again (the cursor does not advance)",
                   "    cursor = id\n", ""),
            mutant(PAGE, "the scan budget does not bound a call",
                   "#ids == limit or scanned >= budget", "#ids == limit"),
            mutant(PAGE, "off by one: the scan budget lets one more id through",
                   "scanned >= budget", "scanned > budget"),
            mutant(PAGE, "the largest index is walked, so a sparse filter takes more pages to reach its matches",
                   "if size < smallestSize then", "if size > smallestSize then"),
            equivalent(PAGE, "the index is read in batches of 7 instead of 200",
                       "local size = 200", "local size = 7",
                       "the batch size sets how many round trips inside the script the walk takes, not which ids it yields"),

            // claim-run.lua
            mutant(CLAIM, "a rerun claims a failed candidate too",
                   "(status == 'completed' and ARGV[9] == '1')", "(status ~= 'running' and ARGV[9] == '1')"),
            mutant(CLAIM, "a completed candidate is claimed without a rerun",
                   "(status == 'completed' and ARGV[9] == '1')", "(status == 'completed')"),
            mutant(CLAIM, "a busy candidate's answer does not name its run",
                   "return {'busy', status, redis.call('HGET', c, 'run') or ''}", "return {'busy', status, ''}"),
            mutant(CLAIM, "every attempt is attempt 1",
                   "local attempt = redis.call('HINCRBY', c, 'attempts', 1)",
                   "local attempt = redis.call('HINCRBY', c, 'attempts', 0) + 1"),
            mutant(CLAIM, "a rerun leaves the candidate in the completed index",
                   "redis.call('ZREM', m .. ':s:' .. status, id)", "redis.call('ZREM', m .. ':s:not_started', id)"),
            mutant(CLAIM, "the previous run's step states are kept",
                   "redis.call('DEL', c .. ':steps')\n", ""),
            mutant(CLAIM, "off by one: the first step gets no initial state",
                   "for i = 10, #ARGV, 2 do", "for i = 12, #ARGV, 2 do"),
            mutant(CLAIM, "the run's record keeps the run id as its token hash",
                   "'tokenHash', ARGV[4]", "'tokenHash', ARGV[2]"),
            mutant(CLAIM, "the claim's history entry says attempt 1 whatever the attempt",
                   "'e', ARGV[7], 'attempt', attempt)", "'e', ARGV[7], 'attempt', 1)"),
            mutant(CLAIM, "the candidate does not name its new run",
                   "'status', 'running', 'run', ARGV[2], 'updatedAt'", "'status', 'running', 'updatedAt'"),
            mutant(CLAIM, "a claim keeps the stamp: kept pages would show the candidate not started",
                   "redis.call('HINCRBY', m, 'version', 1)\n", ""),

            // record-step.lua
            mutant(STEP, "only a stale run's steps are written",
                   "if redis.call('HGET', c, 'run') ~= ARGV[2] then", "if redis.call('HGET', c, 'run') == ARGV[2] then"),
            mutant(STEP, "a stale run's step is written over the current run's",
                   "if redis.call('HGET', c, 'run') ~= ARGV[2] then\n  return 0\nend\n", ""),
            mutant(STEP, "a status change leaves the candidate in its old status index too",
                   "  redis.call('ZREM', m .. ':s:' .. status, id)\n", ""),
            mutant(STEP, "a status change is counted but not shown on the candidate",
                   "  redis.call('HSET', c, 'status', ARGV[5])\n", ""),
            mutant(STEP, "a step write keeps the old updatedAt",
                   "redis.call('HSET', c, 'updatedAt', ARGV[6])\n", ""),
            mutant(STEP, "a written step is reported as ignored",
                   "return 1", "return 0"),
            mutant(STEP, "a written step's history entry is dropped",
                   "redis.call('XADD', KEYS[2], '*', 'e', ARGV[7])", "redis.call('TYPE', KEYS[2])"),
            equivalent(STEP, "a status equal to the current one is written again",
                       "if ARGV[5] ~= '' and status ~= ARGV[5] then", "if ARGV[5] ~= '' then",
                       "moving a candidate to the status it has removes it from that index and adds it back: the same "
                       + "sets, the same hash"),
            mutant(STEP, "a step's state keeps the stamp",
                   "redis.call('HINCRBY', m, 'version', 1)\n", ""),

            // finish-run.lua
            mutant(FINISH, "a cancelled run can end again",
                   "if redis.call('HGET', KEYS[2], 'status') ~= 'running' then",
                   "if redis.call('HGET', KEYS[2], 'status') == 'completed' then"),
            mutant(FINISH, "a stale run's end moves the candidate",
                   "if redis.call('HGET', c, 'run') ~= ARGV[2] then\n  return 0\nend\n", ""),
            mutant(FINISH, "the run's record stays running",
                   "redis.call('HSET', KEYS[2], 'status', ARGV[3], 'finishedAt', ARGV[5])",
                   "redis.call('HSET', KEYS[2], 'finishedAt', ARGV[5])"),
            mutant(FINISH, "a stale run's end is missing from history",
                   "if ARGV[6] ~= '' then\n  redis.call('XADD', KEYS[3], '*', 'e', ARGV[6])\nend\n"
                   + "if redis.call('HGET', c, 'run') ~= ARGV[2] then\n  return 0\nend\n",
                   "if redis.call('HGET', c, 'run') ~= ARGV[2] then\n  return 0\nend\n"
                   + "if ARGV[6] ~= '' then\n  redis.call('XADD', KEYS[3], '*', 'e', ARGV[6])\nend\n"),
            mutant(FINISH, "a cancelled candidate is indexed under the run's status, not the candidate's",
                   "redis.call('ZADD', m .. ':s:' .. ARGV[4], 0, id)", "redis.call('ZADD', m .. ':s:' .. ARGV[3], 0, id)"),
            mutant(FINISH, "the candidate keeps its running status",
                   "  redis.call('HSET', c, 'status', ARGV[4])\n", ""),
            mutant(FINISH, "a run's end keeps the stamp",
                   "redis.call('HINCRBY', m, 'version', 1)\n", ""),

            // announce.lua
            mutant(ANNOUNCE, "the owner is refused and any other app accepted",
                   "if owner and owner ~= ARGV[4] then", "if owner and owner == ARGV[4] then"),
            mutant(ANNOUNCE, "another app's announcement is accepted",
                   "if owner and owner ~= ARGV[4] then\n  return {'refused', owner}\nend\n", ""),
            mutant(ANNOUNCE, "createdAt moves with every announcement",
                   "redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[3])", "redis.call('HSET', KEYS[1], 'createdAt', ARGV[3])"),
            mutant(ANNOUNCE, "an unchanged definition is reported as changed",
                   "  return {'stored', 0}", "  return {'stored', 1}"),
            mutant(ANNOUNCE, "the migration is not listed",
                   "redis.call('ZADD', KEYS[2], 0, ARGV[1])\n", ""),
            mutant(ANNOUNCE, "a changed definition keeps the old updatedAt",
                   "'definition', ARGV[2], 'updatedAt', ARGV[3])", "'definition', ARGV[2])"),
            equivalent(ANNOUNCE, "the owner is written on every accepted announcement",
                       "if not owner then\n  redis.call('HSET', KEYS[1], 'owner', ARGV[4])\nend",
                       "redis.call('HSET', KEYS[1], 'owner', ARGV[4])",
                       "past the refusal, the stored owner is either absent or the announcer: writing it again changes nothing"),
            mutant(ANNOUNCE, "a changed definition keeps the stamp",
                   "redis.call('HINCRBY', KEYS[1], 'version', 1)\n", ""),

            // transfer-migration.lua
            mutant(TRANSFER, "an unknown migration is transferred (and a known one refused)",
                   "if redis.call('EXISTS', KEYS[1]) == 0 then", "if redis.call('EXISTS', KEYS[1]) == 1 then"),
            mutant(TRANSFER, "the owner does not change",
                   "redis.call('HSET', KEYS[1], 'owner', ARGV[1])\n", ""),
            mutant(TRANSFER, "the history entry names the previous owner only when there was none",
                   "  if previous ~= '' then", "  if previous == '' then"),
            mutant(TRANSFER, "the new owner is named as the previous one",
                   "return previous", "return ARGV[1]"));

    private static final AtomicInteger KILLED = new AtomicInteger();
    private static final AtomicInteger EQUIVALENT = new AtomicInteger();

    @TestFactory
    Stream<DynamicTest> everyMutantOfTheScriptsIsCaughtByTheirRules() {
        return MUTANTS.stream().map(mutant -> DynamicTest.dynamicTest(mutant.script() + ": " + mutant.description(), () -> {
            String shipped = LuaScript.text(mutant.script());
            int found = occurrences(shipped, mutant.original());
            assertEquals(1, found, "the mutant's original text is found " + found + " times in " + mutant.script()
                                   + " (the script changed? update the mutant): " + mutant.original());
            LuaScript broken = LuaScript.of(shipped.replace(mutant.original(), mutant.replacement()));
            Optional<String> killer = killer(mutant, resource -> resource.equals(mutant.script()) ? broken
                                                                                                  : LuaScript.RESOURCES.load(resource));
            if (mutant.equivalentBecause().isPresent()) {
                assertTrue(killer.isEmpty(), "listed as equivalent (" + mutant.equivalentBecause().get()
                                             + "), yet this case catches it, so take it off that list: " + killer.orElse(""));
                EQUIVALENT.incrementAndGet();
            } else {
                if (killer.isEmpty()) {
                    fail("mutant survived, no case of " + mutant.script() + " catches it: " + mutant.description());
                }
                KILLED.incrementAndGet();
            }
        }));
    }

    /** The first case the broken scripts fail (an assertion or an error a user would see), if any. */
    private static Optional<String> killer(Mutant mutant, LuaScript.Source scripts) throws Exception {
        for (StateRules.Case rule : CASES.get(mutant.script())) {
            RedisState state = TestStates.create(scripts);
            try {
                rule.check().run(state);
            } catch (AssertionError | RuntimeException e) {
                return Optional.of(rule.name() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            } finally {
                TestStates.drop(state);
            }
        }
        return Optional.empty();
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    @AfterAll
    static void figures() {
        System.out.printf("Lua mutants: %d, killed %d, equivalent %d%n", MUTANTS.size(), KILLED.get(), EQUIVALENT.get());
    }
}
