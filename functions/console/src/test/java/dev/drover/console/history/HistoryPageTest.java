package dev.drover.console.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryPageTest {
    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static final JsonNode MIGRATION = json("{'id':'m','name':'Upgrade'}");
    private static final Part BURNDOWN = new Part.Ok(json(
            "{'migrationId':'m','bucket':'day','from':'2026-11-25T00:00:00Z','to':'2026-11-27T00:00:00Z','candidates':300,'points':["
                    + "{'start':'2026-11-25T00:00:00Z','completed':40,'cumulative':230,'remaining':70},"
                    + "{'start':'2026-11-26T00:00:00Z','completed':50,'cumulative':280,'remaining':20}]}"));
    private static final Part STEPS = new Part.Ok(json(
            "{'migrationId':'m','items':[{'migrationId':'m','step':'bump','count':330,'averageMs':4210,'p95Ms':98700,"
                    + "'failed':30,'failureRate':0.0909,'byStatus':{}}]}"));
    private static final Part FAILURES = new Part.Ok(json(
            "{'migrationId':'m','items':[{'id':1,'at':'2026-11-27T09:12:44.120Z','migrationId':'m','candidateId':'checkout',"
                    + "'runId':'r','attempt':1,'step':'bump','dispatch':1,'message':'<img src=x>','metadata':{}}]}"));
    private static final Part AUDIT = new Part.Ok(json(
            "{'items':[{'id':9,'at':'2026-11-27T09:30:02Z','actor':'ann','action':'cancel','migrationId':'m','candidateId':'checkout',"
                    + "'runId':'r','source':'10.0.0.1','detail':{}}],'nextCursor':'YTk'}"));

    private static String render(HistoryPage.AuditFilter filter, Optional<Part> audit) {
        return HistoryPage.render(new HistoryPage.View("m", MIGRATION, HistoryPage.Bucket.DAY, BURNDOWN, STEPS, FAILURES,
                                                       filter, audit)).toString();
    }

    @Test
    void theBurndownHasItsNumbersForTheChartAndAsATableAndASentence() {
        String html = render(new HistoryPage.AuditFilter(null, null, null), Optional.empty());

        assertTrue(html.contains("data-burndown=\"{&quot;bucket&quot;:&quot;day&quot;,&quot;t&quot;:[1795564800,1795651200],"
                                         + "&quot;completed&quot;:[40,50],&quot;remaining&quot;:[70,20]}\""), html);
        assertTrue(html.contains("90 runs completed in this period, at most 50 in one day; 20 of 300 candidates remaining."), html);
        assertTrue(html.contains("role=\"img\" aria-label=\"Burndown by day"), html);
        assertEquals(2, html.split("data-testid=\"burndown-row\"", -1).length - 1, html);
        assertTrue(html.contains("aria-current=\"true\">Daily</a>") || html.contains("data-testid=\"bucket-day\" aria-current=\"true\""), html);
    }

    @Test
    void stepMetricsAndFailuresAreShownAndEscaped() {
        String html = render(new HistoryPage.AuditFilter(null, null, null), Optional.empty());

        assertTrue(html.contains("data-testid=\"step-p95\">1.6 min</td>"), html);
        assertTrue(html.contains("data-testid=\"step-average\">4.2 s</td>"), html);
        assertTrue(html.contains("data-testid=\"step-failure-rate\">9.1%</td>"), html);
        assertTrue(html.contains("&lt;img src=x&gt;"), html);
        assertFalse(html.contains("<img"), html);
        assertTrue(html.contains("href=\"/console/migrations/m/candidates/checkout\""), html);
    }

    @Test
    void whoIsNoAdminIsToldTheAuditLogIsForAdmins() {
        String html = render(new HistoryPage.AuditFilter(null, null, null), Optional.empty());

        assertTrue(html.contains("data-testid=\"audit-admins-only\""), html);
        assertFalse(html.contains("data-testid=\"audit-filter\""), html);
    }

    @Test
    void anAdminFiltersAndPagesTheAuditLog() {
        String html = render(new HistoryPage.AuditFilter("ann", "cancel", null), Optional.of(AUDIT));

        assertTrue(html.contains("data-testid=\"audit-actor\" value=\"ann\"") || html.contains("value=\"ann\""), html);
        assertTrue(html.contains("<option value=\"cancel\" selected>cancel</option>"), html);
        assertTrue(html.contains("href=\"/console/migrations/m/history?bucket=day&amp;actor=ann&amp;action=cancel&amp;cursor=YTk#audit\""), html);
        assertTrue(html.contains("data-testid=\"audit-entry-actor\">ann</td>"), html);
    }

    @Test
    void aSectionTheApiCouldNotAnswerSaysWhyAndTheOthersStillShow() {
        String html = HistoryPage.render(new HistoryPage.View("m", MIGRATION, HistoryPage.Bucket.HOUR,
                new Part.Failed(503, "history_unavailable", "the history database is unavailable"), STEPS, FAILURES,
                new HistoryPage.AuditFilter(null, "not-an-action", null), Optional.empty())).toString();

        assertTrue(html.contains("data-testid=\"burndown-error\" data-code=\"history_unavailable\">the history database is unavailable"), html);
        assertTrue(html.contains("data-testid=\"step-metric\""), html);
    }
}
