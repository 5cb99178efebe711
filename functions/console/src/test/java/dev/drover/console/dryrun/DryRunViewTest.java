package dev.drover.console.dryrun;

import dev.drover.contract.dryrun.ChangeStatus;
import dev.drover.contract.dryrun.DryRunResult;
import dev.drover.contract.dryrun.FileChange;
import dev.drover.contract.dryrun.StepPreview;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DryRunViewTest {
    private static final String ACTION = "/console/migrations/m/candidates/c/dry-run";

    private static String numbered(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    private static DryRunResult oneFile(FileChange change) {
        return new DryRunResult("m", "c", List.of(new StepPreview("bump-chart", "bump-chart", List.of(change), "1 file(s) change")));
    }

    /** The rows of the first diff table, each as its cells' text joined by '|'. */
    private static List<String> rows(String html) {
        String table = html.substring(html.indexOf("<tbody>"), html.indexOf("</tbody>"));
        Matcher row = Pattern.compile("<tr class=\"([a-z]+)\">(.*?)</tr>").matcher(table);
        List<String> out = new java.util.ArrayList<>();
        while (row.find()) {
            Matcher cell = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(row.group(2));
            StringBuilder cells = new StringBuilder(row.group(1));
            while (cell.find()) {
                cells.append('|').append(cell.group(1));
            }
            out.add(cells.toString());
        }
        return out;
    }

    @Test
    void unifiedShowsRemovedThenAddedLinesWithBothNumbersAndCutsLongUnchangedRuns() {
        String before = numbered(1, 20);
        String after = before.replace("line 10\n", "line ten\n");
        String html = new DryRunView().render(oneFile(new FileChange("values.yaml", ChangeStatus.MODIFIED, before, after, "")),
                                              DiffLayout.UNIFIED, ACTION);

        assertEquals(List.of("gap|&#8943; 6 unchanged lines",
                             "same|7|7| |line 7", "same|8|8| |line 8", "same|9|9| |line 9",
                             "del|10||-|line 10", "add||10|+|line ten",
                             "same|11|11| |line 11", "same|12|12| |line 12", "same|13|13| |line 13",
                             "gap|&#8943; 7 unchanged lines"), rows(html));
        assertTrue(html.contains("<tr class=\"gap\"><td colspan=\"4\">"), "a gap spans the whole table: " + html);
        assertTrue(html.contains("data-status=\"modified\""), html);
        assertTrue(html.contains("<span class=\"add\">+1</span> <span class=\"del\">&minus;1</span>"), html);
        assertTrue(html.contains("data-testid=\"diff-layout-unified\" aria-pressed=\"true\""), html);
        assertTrue(html.contains("hx-post=\"" + ACTION + "?layout=split\""), html);
    }

    @Test
    void sideBySidePairsTheRemovedLineWithItsReplacementOnOneRow() {
        String before = "a\nb\nc\n";
        String after = "a\nB\nc\nd\n";
        String html = new DryRunView().render(oneFile(new FileChange("f.txt", ChangeStatus.MODIFIED, before, after, "")),
                                              DiffLayout.SPLIT, ACTION);

        assertEquals(List.of("same|1|a|1|a", "changed|2|b|2|B", "same|3|c|3|c", "added|||4|d"), rows(html));
        assertTrue(html.contains("class=\"diff diff-split\""), html);
        assertTrue(html.contains("<td class=\"code del\">b</td>"), html);
        assertTrue(html.contains("<td class=\"code add\">B</td>"), html);
        assertTrue(html.contains("data-testid=\"diff-layout-split\" aria-pressed=\"true\""), html);
    }

    @Test
    void hostileContentIsEscapedEverywhereItAppears() {
        String script = "<script>alert(1)</script>";
        FileChange change = new FileChange("x\"><img src=x onerror=alert(1)>.yaml", ChangeStatus.MODIFIED,
                                           "ok\n", "ok\n" + script + "\n", "");
        DryRunResult result = new DryRunResult("m", "c\"<b>",
                                               List.of(new StepPreview("s", "<i>type</i>", List.of(change), script)));
        for (DiffLayout layout : DiffLayout.values()) {
            String html = new DryRunView().render(result, layout, ACTION);
            assertFalse(html.contains("<script"), html);
            assertFalse(html.contains("<img"), html);
            assertFalse(html.contains("<i>"), html);
            assertFalse(html.contains("<b>"), html);
            assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
            assertTrue(html.contains("data-path=\"x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.yaml\""), html);
        }
    }

    @Test
    void aNewFileIsAllAddedLinesNumberedOnTheNewSide() {
        String html = new DryRunView().render(oneFile(new FileChange("new.yaml", ChangeStatus.NEW, null, "a: 1\nb: 2\n", "")),
                                              DiffLayout.UNIFIED, ACTION);

        assertEquals(List.of("add||1|+|a: 1", "add||2|+|b: 2"), rows(html));
        assertTrue(html.contains("<span class=\"badge badge-new\" data-testid=\"diff-badge\">new</span>"), html);
    }

    @Test
    void aDeletedFileIsAllRemovedLinesNumberedOnTheOldSide() {
        String html = new DryRunView().render(oneFile(new FileChange("old.yaml", ChangeStatus.DELETED, "a: 1\nb: 2\n", null, "")),
                                              DiffLayout.SPLIT, ACTION);

        assertEquals(List.of("deleted|1|a: 1||", "deleted|2|b: 2||"), rows(html));
        assertTrue(html.contains("<span class=\"badge badge-deleted\" data-testid=\"diff-badge\">deleted</span>"), html);
    }

    @Test
    void aLongFileStopsAtTheCapAndSaysHowManyLinesAreLeft() {
        String html = new DryRunView(400, 4000).render(oneFile(new FileChange("big.txt", ChangeStatus.NEW, null, numbered(1, 1000), "")),
                                                 DiffLayout.UNIFIED, ACTION);

        assertEquals(400, rows(html).size());
        assertTrue(html.contains("<p class=\"diff-more\" data-testid=\"diff-more\">600 more lines not shown.</p>"), html);
        assertTrue(html.contains("line 400<"), html);
        assertFalse(html.contains("line 401<"), html);
    }

    @Test
    void aDryRunOfManyFilesStopsAtTheWholeCapAndLeavesTheRestFolded() {
        List<FileChange> files = List.of("a", "b", "c").stream()
                .map(name -> new FileChange(name, ChangeStatus.NEW, null, numbered(1, 30), "")).toList();
        String html = new DryRunView(400, 50).render(new DryRunResult("m", "c", List.of(new StepPreview("s", null, files, null))),
                                                     DiffLayout.UNIFIED, ACTION);

        assertEquals(3, html.split("data-testid=\"diff-file\"", -1).length - 1, html);
        assertEquals(2, html.split("<details open", -1).length - 1, "the third file is folded: " + html);
        assertTrue(html.contains("10 more lines not shown (this dry-run changes more than one page shows).</p>"), html);
        assertTrue(html.contains("30 more lines not shown (this dry-run changes more than one page shows).</p>"), html);
    }

    @Test
    void aFileTooLongToCompareShowsTheMigratorsOwnDiff() {
        String before = numbered(1, FileDiff.MAX_LINES_TO_DIFF + 1);
        String diff = "--- a/huge.txt\n+++ b/huge.txt\n@@ -5,2 +5,2 @@\n line 5\n-line 6\n+line six\n";
        String html = new DryRunView().render(oneFile(new FileChange("huge.txt", ChangeStatus.MODIFIED, before, before, diff)),
                                              DiffLayout.SPLIT, ACTION);

        assertEquals(List.of("same|5|5| |line 5", "del|6||-|line 6", "add||6|+|line six"), rows(html));
        assertTrue(html.contains("Too long to compare here"), html);
    }

    @Test
    void stepsAreStackedInRunOrderAndAStepThatChangesNothingSaysSo() {
        DryRunResult result = new DryRunResult("m", "c", List.of(
                new StepPreview("bump-chart", "bump-chart", List.of(new FileChange("a", ChangeStatus.MODIFIED, "1\n", "2\n", "")), null),
                new StepPreview("await-merge", "await-merge", List.of(), "changes no file")));
        String html = new DryRunView().render(result, DiffLayout.UNIFIED, ACTION);

        assertTrue(html.indexOf("data-step=\"bump-chart\"") < html.indexOf("data-step=\"await-merge\""), html);
        assertTrue(html.contains("1 file change in 2 steps"), html);
        assertTrue(html.contains("data-testid=\"dry-run-no-changes\""), html);
    }

    /** Changes that are no file are listed with their step, escaped like everything a migrator says. */
    @Test
    void actionsAreListedWithTheirStepAndEscaped() {
        DryRunResult result = new DryRunResult("m", "billing", List.of(
                new StepPreview("create-credential", "create-credential", List.of(),
                                List.of(new dev.drover.contract.dryrun.PlannedAction("role billing_2", "create", "member of <billing>")), "1 action(s)"),
                new StepPreview("publish-credential", "publish-credential", List.of(),
                                List.of(new dev.drover.contract.dryrun.PlannedAction("Secret payments/billing-db", "update", "")), "1 action(s)")));
        String html = new DryRunView().render(result, DiffLayout.UNIFIED, ACTION);

        assertTrue(html.contains("0 file changes and 2 other changes in 2 steps"), html);
        int create = html.indexOf("data-step=\"create-credential\"");
        int publish = html.indexOf("data-step=\"publish-credential\"");
        int role = html.indexOf("<li data-testid=\"dry-run-action\"><span class=\"badge badge-action\">create</span> <code>role billing_2</code>"
                                        + " <span class=\"muted\">member of &lt;billing&gt;</span></li>");
        assertTrue(create < role && role < publish, "the role is listed under its step: " + html);
        assertTrue(html.indexOf("<code>Secret payments/billing-db</code></li>") > publish, html);
        assertFalse(html.contains("<billing>"), "escaped");
    }
}
