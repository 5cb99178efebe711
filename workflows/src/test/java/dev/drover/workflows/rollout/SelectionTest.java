package dev.drover.workflows.rollout;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.InvalidInput;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.core.rollout.Selector;
import dev.drover.core.state.RedisState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The walk of a selection over the machine's Redis (own key prefix): every filter, across pages, each id once. */
class SelectionTest {
    private RedisState state;
    private Selection selection;

    @BeforeEach
    void seed() {
        state = RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                   "drover-test-" + UUID.randomUUID() + ":");
        state.migrations().announce(new Migration("sel", "Selection", "", List.of(),
                                                  List.of(new Step("work", "", "app", "test", Map.of())), List.of()), "app");
        List<DiscoveredCandidate> candidates = new ArrayList<>();
        for (String id : List.of("pa", "pay", "pay-a", "pay-b", "pay-c", "payz", "pb", "x")) {
            candidates.add(new DiscoveredCandidate(id, "app", Map.of("team", id.startsWith("pay") ? "payments" : "other"),
                                                   List.of(), List.of()));
        }
        state.candidates().merge("sel", candidates);
        // pay-b is running: claimed as a start would claim it
        state.runs().claim("sel", "pay-b", "run-1", "hash", List.of(new Step("work", "", "app", "test", Map.of())));
        selection = new Selection(state.candidates());
    }

    @AfterEach
    void drop() {
        state.deleteAllKeys();
        state.close();
    }

    /** Every id the selector matches, walked {@code limit} at a time. */
    private List<String> walk(Selector selector, int limit) {
        List<String> ids = new ArrayList<>();
        Selection.Cursor cursor = Selection.Cursor.START;
        while (!cursor.done()) {
            Selection.Page page = selection.next("sel", selector, cursor, limit);
            ids.addAll(page.ids());
            cursor = page.next();
        }
        return ids;
    }

    @Test
    void anIdPrefixSelectsTheIdsStartingWithItAcrossPages() {
        Selector pay = new Selector(null, null, null, "pay");
        assertEquals(List.of("pay", "pay-a", "pay-b", "pay-c", "payz"), walk(pay, 2));
        assertEquals(List.of("pay-a", "pay-b", "pay-c"), walk(new Selector(null, null, null, "pay-"), 1));
        assertEquals(List.of(), walk(new Selector(null, null, null, "q"), 5));
        assertEquals(5, selection.count("sel", pay));
    }

    @Test
    void statusesMetadataAndIdsAllMatch() {
        assertEquals(List.of("pay-b"), walk(new Selector(List.of("running"), null, null, null), 10));
        assertEquals(List.of("pa", "pay", "pay-a", "pay-c", "payz", "pb", "x"), walk(new Selector(List.of("not_started"), null, null, null), 3));
        assertEquals(List.of("pa", "pay", "pay-a", "pay-b", "pay-c", "payz", "pb", "x"),
                     walk(new Selector(List.of("running", "not_started"), null, null, null), 3), "several statuses: one walk, each id once");
        assertEquals(List.of("pay", "pay-a", "pay-c", "payz"),
                     walk(new Selector(List.of("not_started"), Map.of("team", "payments"), null, null), 2));
        assertEquals(List.of("pay-a", "x"), walk(new Selector(null, null, List.of("x", "pay-a", "nobody"), null), 1));
        assertEquals(List.of("pay-a"), walk(new Selector(List.of("not_started"), Map.of("team", "payments"),
                                                         List.of("x", "pay-a", "pay-b"), "pay"), 5));
        assertEquals(List.of("pay-a"), walk(new Selector(null, Map.of("team", "payments"), List.of("x", "pay-a"), null), 5),
                     "listed ids are held to the metadata too: x is another team's");
    }

    @Test
    void aSelectorRefusesWhatTheListingWouldRefuse() {
        assertThrows(InvalidInput.class, () -> new Selector(List.of("done"), null, null, null));
        assertThrows(InvalidInput.class, () -> new Selector(null, null, List.of("Not A Slug"), null));
        assertThrows(InvalidInput.class, () -> new Selector(null, null, null, "-x"));
        assertThrows(InvalidInput.class, () -> new Selector(null, Map.of("bad key", "v"), null, null));
    }
    @Test
    void aPrefixAsLongAsTheLongestIdIsAcceptedOneLongerIsNot() {
        String longest = "p".repeat(dev.drover.contract.model.Check.SLUG_MAX);
        assertEquals(longest, new Selector(null, null, null, longest).idPrefix(), "a prefix may be a whole id of the longest length");
        InvalidInput tooLong = assertThrows(InvalidInput.class, () -> new Selector(null, null, null, longest + "p"));
        assertTrue(tooLong.getMessage().contains("idPrefix"), tooLong.getMessage());
    }

    @Test
    void aListOfIdsEndsWithThePageItFillsNotWithAnEmptyOne() {
        Selector listed = new Selector(null, null, List.of("x", "pay-a"), null);
        Selection.Page whole = selection.next("sel", listed, Selection.Cursor.START, 2);
        assertEquals(List.of("pay-a", "x"), whole.ids());
        assertTrue(whole.next().done(), "the page filled at the last listed id is the last page");

        Selection.Page first = selection.next("sel", listed, Selection.Cursor.START, 1);
        assertEquals(List.of("pay-a"), first.ids());
        assertFalse(first.next().done(), "a page filled before the last listed id has more after it");
        Selection.Page second = selection.next("sel", listed, first.next(), 1);
        assertEquals(List.of("x"), second.ids());
        assertTrue(second.next().done());
        assertEquals(List.of(), selection.next("sel", listed, second.next(), 1).ids(), "a finished walk selects nothing more");
    }

    @Test
    void aWalkNeverSelectsMoreThanItsLimitAndResumesWhereItStopped() {
        Selector all = new Selector(null, null, null, null);
        Selection.Page first = selection.next("sel", all, Selection.Cursor.START, 3);
        assertEquals(List.of("pa", "pay", "pay-a"), first.ids());
        assertFalse(first.next().done());
        Selection.Page rest = selection.next("sel", all, first.next(), 5);
        assertEquals(List.of("pay-b", "pay-c", "payz", "pb", "x"), rest.ids(), "exactly the five left, with a limit of five");
        assertTrue(selection.next("sel", all, rest.next(), 5).ids().isEmpty());
        assertEquals(8, selection.count("sel", all));

        // Several statuses are matched here, not by the store: a read with a miss reads on, asking only for what the page lacks.
        Selector notRunning = new Selector(List.of("not_started", "failed"), null, null, null);
        Selection.Page four = selection.next("sel", notRunning, Selection.Cursor.START, 4);
        assertEquals(List.of("pa", "pay", "pay-a", "pay-c"), four.ids(), "pay-b is running: a second read fills the page, and no more");
        assertEquals(List.of("payz", "pb", "x"), selection.next("sel", notRunning, four.next(), 5).ids(),
                     "the next page starts after the last id the first one read");
    }
}
