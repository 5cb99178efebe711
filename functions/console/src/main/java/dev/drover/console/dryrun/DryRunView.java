package dev.drover.console.dryrun;

import dev.drover.console.web.Html;
import dev.drover.contract.dryrun.DryRunResult;
import dev.drover.contract.dryrun.FileChange;
import dev.drover.contract.dryrun.PlannedAction;
import dev.drover.contract.dryrun.StepPreview;

import java.util.List;
import java.util.Optional;

/**
 * The dry-run viewer: a migrator's answer rendered server-side, one section per step in run order,
 * its changes that are no file (actions: a role to create, a secret's keys) as a list, then each file with its
 * new/modified/deleted badge, line numbers and either layout. Every piece of text
 * from the migrator (paths, messages, lines) is escaped; a file shows at most {@link #MAX_ROWS} rows
 * and says how many more lines it has. No syntax highlighting: the files are whatever a migrator
 * touches (YAML, HCL, Java, ...), and a per-language tokenizer is not worth its weight here.
 */
public final class DryRunView {
    /** Rows one file shows before "N more lines". */
    public static final int MAX_ROWS = 400;
    /** Rows one dry-run shows in all: a migration that rewrites a thousand files must not make a page of megabytes. */
    public static final int MAX_TOTAL_ROWS = 4000;

    private final int maxRows;
    private final int maxTotalRows;

    public DryRunView() {
        this(MAX_ROWS, MAX_TOTAL_ROWS);
    }

    DryRunView(int maxRows, int maxTotalRows) {
        this.maxRows = maxRows;
        this.maxTotalRows = maxTotalRows;
    }

    /** The rows one rendering may still show. */
    private static final class Budget {
        int left;

        Budget(int left) {
            this.left = left;
        }
    }

    /**
     * The whole viewer, an element with id {@code dry-run} that htmx swaps in place; {@code action}
     * is the console route that asks for a dry-run again (the layout toggle posts to it).
     */
    public String render(DryRunResult result, DiffLayout layout, String action) {
        List<StepPreview> steps = result.steps() == null ? List.of() : result.steps();
        int files = steps.stream().mapToInt(s -> s.changes() == null ? 0 : s.changes().size()).sum();
        int actions = steps.stream().mapToInt(s -> s.actions().size()).sum();
        StringBuilder html = new StringBuilder(4096);
        html.append("<section id=\"dry-run\" class=\"dry-run\" data-testid=\"dry-run\" data-layout=\"")
            .append(layout.wire()).append("\" aria-label=\"Dry-run\">");
        html.append("<div class=\"dry-run-bar\"><p data-testid=\"dry-run-summary\">Dry-run of <strong>")
            .append(Html.escape(result.candidateId())).append("</strong>: ")
            .append(files).append(files == 1 ? " file change" : " file changes")
            .append(actions == 0 ? "" : " and " + actions + (actions == 1 ? " other change" : " other changes")).append(" in ")
            .append(steps.size()).append(steps.size() == 1 ? " step" : " steps")
            .append(". Nothing was written.</p>");
        toggle(html, layout, action);
        html.append("</div>");
        Budget budget = new Budget(maxTotalRows);
        for (int i = 0; i < steps.size(); i++) {
            step(html, i + 1, steps.get(i), layout, budget);
        }
        if (steps.isEmpty()) {
            html.append("<p class=\"muted\">The migrator answered no steps.</p>");
        }
        return html.append("</section>").toString();
    }

    private static void toggle(StringBuilder html, DiffLayout current, String action) {
        html.append("<div class=\"diff-layout-toggle\" role=\"group\" aria-label=\"Diff layout\">");
        for (DiffLayout layout : DiffLayout.values()) {
            html.append("<button type=\"button\" class=\"toggle\" data-testid=\"diff-layout-").append(layout.wire())
                .append("\" aria-pressed=\"").append(layout == current).append("\" hx-post=\"")
                .append(Html.escape(action + (action.contains("?") ? "&" : "?") + "layout=" + layout.wire()))
                .append("\" hx-target=\"#dry-run\" hx-swap=\"outerHTML\" hx-include=\"#start-inputs\">")
                .append(layout == DiffLayout.UNIFIED ? "Unified" : "Side by side").append("</button>");
        }
        html.append("</div>");
    }

    private void step(StringBuilder html, int number, StepPreview step, DiffLayout layout, Budget budget) {
        List<FileChange> changes = step.changes() == null ? List.of() : step.changes();
        html.append("<section class=\"dry-run-step\" data-testid=\"dry-run-step\" data-step=\"")
            .append(Html.escape(step.step())).append("\"><h3>").append(number).append(". ")
            .append(Html.escape(step.step()));
        if (step.type() != null && !step.type().isEmpty() && !step.type().equals(step.step())) {
            html.append(" <span class=\"muted\">(").append(Html.escape(step.type())).append(")</span>");
        }
        html.append("</h3>");
        if (step.message() != null && !step.message().isBlank()) {
            html.append("<p class=\"step-message\">").append(Html.escape(step.message())).append("</p>");
        }
        if (!step.actions().isEmpty()) {
            html.append("<ul class=\"dry-run-actions\" data-testid=\"dry-run-actions\">");
            for (PlannedAction action : step.actions()) {
                html.append("<li data-testid=\"dry-run-action\"><span class=\"badge badge-action\">").append(Html.escape(action.action()))
                    .append("</span> <code>").append(Html.escape(action.target())).append("</code>");
                if (!action.detail().isBlank()) {
                    html.append(" <span class=\"muted\">").append(Html.escape(action.detail())).append("</span>");
                }
                html.append("</li>");
            }
            html.append("</ul>");
        }
        if (changes.isEmpty()) {
            html.append("<p class=\"muted\" data-testid=\"dry-run-no-changes\">Changes no file.</p>");
        }
        for (FileChange change : changes) {
            file(html, change, layout, budget);
        }
        html.append("</section>");
    }

    private void file(StringBuilder html, FileChange change, DiffLayout layout, Budget budget) {
        String status = change.status() == null ? "modified" : change.status().wire();
        Optional<FileDiff> diff = FileDiff.of(change.before(), change.after());
        List<DiffRow> rows = diff.map(d -> d.rows(layout)).orElseGet(() -> UnifiedText.rows(change.diff()));
        // The migrator's text has no pairing of lines: it is shown in one column whatever the toggle says.
        DiffLayout shown = diff.isPresent() ? layout : DiffLayout.UNIFIED;
        int added = diff.map(FileDiff::added).orElseGet(() -> count(rows, DiffRow.Kind.ADDED));
        int deleted = diff.map(FileDiff::deleted).orElseGet(() -> count(rows, DiffRow.Kind.DELETED));

        html.append(budget.left > 0 ? "<details open" : "<details").append(" class=\"diff-file\" data-testid=\"diff-file\" data-path=\"")
            .append(Html.escape(change.path())).append("\" data-status=\"").append(status).append("\"><summary>")
            .append("<span class=\"badge badge-").append(status).append("\" data-testid=\"diff-badge\">")
            .append(status).append("</span> <code class=\"diff-path\">").append(Html.escape(change.path()))
            .append("</code> <span class=\"diff-stat\"><span class=\"add\">+").append(added)
            .append("</span> <span class=\"del\">&minus;").append(deleted).append("</span></span></summary>");
        if (diff.isEmpty() && (change.before() != null || change.after() != null)) {
            html.append("<p class=\"muted\">Too long to compare here; the migrator's own diff is shown.</p>");
        }
        if (rows.isEmpty()) {
            html.append("<p class=\"muted\">No line changes (an empty file).</p>");
        } else {
            table(html, rows, shown, change.path(), budget);
        }
        html.append("</details>");
    }

    private void table(StringBuilder html, List<DiffRow> rows, DiffLayout layout, String path, Budget budget) {
        html.append("<table class=\"diff diff-").append(layout.wire()).append("\" aria-label=\"Changes to ")
            .append(Html.escape(path)).append("\">")
            // Column widths from a colgroup: with a fixed layout the first row would decide them, and it may be a gap.
            .append(layout == DiffLayout.UNIFIED
                    ? "<colgroup><col class=\"ln\"><col class=\"ln\"><col class=\"sign\"><col></colgroup>"
                    : "<colgroup><col class=\"ln\"><col><col class=\"ln\"><col></colgroup>")
            .append("<tbody>");
        int shown = Math.min(rows.size(), Math.min(maxRows, budget.left));
        budget.left -= shown;
        for (DiffRow row : rows.subList(0, shown)) {
            if (layout == DiffLayout.UNIFIED) {
                unifiedRow(html, row);
            } else {
                splitRow(html, row);
            }
        }
        html.append("</tbody></table>");
        long more = rows.subList(shown, rows.size()).stream()
                .mapToLong(r -> r.kind() == DiffRow.Kind.GAP ? r.skipped() : 1).sum();
        if (more > 0) {
            html.append("<p class=\"diff-more\" data-testid=\"diff-more\">").append(more)
                .append(more == 1 ? " more line" : " more lines").append(" not shown")
                .append(budget.left > 0 ? "." : " (this dry-run changes more than one page shows).").append("</p>");
        }
    }

    private static void unifiedRow(StringBuilder html, DiffRow row) {
        switch (row.kind()) {
            case GAP -> gap(html, row, 4);
            case SAME -> line(html.append("<tr class=\"same\">"), row.before(), row.after(), ' ', row.before().text());
            case DELETED -> line(html.append("<tr class=\"del\">"), row.before(), DiffRow.Side.NONE, '-', row.before().text());
            case ADDED, CHANGED -> line(html.append("<tr class=\"add\">"), DiffRow.Side.NONE, row.after(), '+', row.after().text());
        }
    }

    private static void line(StringBuilder html, DiffRow.Side before, DiffRow.Side after, char sign, String text) {
        number(html, before);
        number(html, after);
        html.append("<td class=\"sign\">").append(sign).append("</td><td class=\"code\">")
            .append(Html.escape(text)).append("</td></tr>");
    }

    private static void splitRow(StringBuilder html, DiffRow row) {
        if (row.kind() == DiffRow.Kind.GAP) {
            gap(html, row, 4);
            return;
        }
        html.append("<tr class=\"").append(row.kind().name().toLowerCase(java.util.Locale.ROOT)).append("\">");
        String left = row.kind() == DiffRow.Kind.SAME ? "" : " del";
        String right = row.kind() == DiffRow.Kind.SAME ? "" : " add";
        number(html, row.before());
        html.append("<td class=\"code").append(row.before().present() ? left : " empty").append("\">")
            .append(Html.escape(row.before().text())).append("</td>");
        number(html, row.after());
        html.append("<td class=\"code").append(row.after().present() ? right : " empty").append("\">")
            .append(Html.escape(row.after().text())).append("</td></tr>");
    }

    private static void number(StringBuilder html, DiffRow.Side side) {
        html.append("<td class=\"ln\">");
        if (side.present()) {
            html.append(side.number());
        }
        html.append("</td>");
    }

    /** A gap row spans the table's four columns (either layout has four). */
    private static void gap(StringBuilder html, DiffRow row, int columns) {
        html.append("<tr class=\"gap\"><td colspan=\"").append(columns).append("\">");
        if (row.skipped() > 0) {
            html.append("&#8943; ").append(row.skipped()).append(row.skipped() == 1 ? " unchanged line" : " unchanged lines");
        } else {
            html.append("&#8943;");
        }
        html.append("</td></tr>");
    }

    private static int count(List<DiffRow> rows, DiffRow.Kind kind) {
        return (int) rows.stream().filter(r -> r.kind() == kind).count();
    }
}
