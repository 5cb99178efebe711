package dev.drover.console.candidate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CandidatePageTest {
    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static final JsonNode MIGRATION = json("{'id':'m','name':'Upgrade','requiredInputs':[{'name':'target-version','label':'Target version'}]}");

    private static JsonNode candidate(String status) {
        return json("{'id':'c','kind':'app','status':'" + status + "','metadata':{'team':'<b>pay</b>'},"
                            + "'files':[{'name':'prod','repo':'javascript:alert(1)','files':[{'path':'a.yaml','url':'https://git.example/a.yaml'}]}],"
                            + "'createdAt':'2026-12-01T10:00:00Z','updatedAt':'2026-12-01T10:00:00Z'}");
    }

    private static final JsonNode FAILED_RUN = json(
            "{'runId':'run-1','attempt':2,'runStatus':'running','candidateStatus':'failed','steps':["
                    + "{'name':'bump','status':'failed','dispatches':2,'message':'<script>alert(1)</script>',"
                    + "'metadata':{'changeUrl':'https://git.example/pr/7','note':'<i>x</i>'},"
                    + "'startedAt':'2026-12-01T10:00:00Z','updatedAt':'2026-12-01T10:01:00Z','finishedAt':'2026-12-01T10:01:00Z'},"
                    + "{'name':'merge','status':'not_started','dispatches':0,'message':'','metadata':{'changeUrl':'javascript:alert(2)'},"
                    + "'startedAt':null,'updatedAt':null,'finishedAt':null}]}");

    private static String render(JsonNode candidate, JsonNode run, boolean operator, Optional<CandidatePage.Refusal> refusal) {
        return CandidatePage.render(new CandidatePage.View("m", "c", MIGRATION, candidate, run, operator, Optional.empty(), refusal,
                                                           new StepTimeline.Refresh.None())).toString();
    }

    @Test
    void aViewerSeesTheRunButNoAction() {
        String html = render(candidate("failed"), FAILED_RUN, false, Optional.empty());

        assertTrue(html.contains("data-testid=\"actions-viewer\""), html);
        assertFalse(html.contains("action-start"), html);
        assertFalse(html.contains("action-cancel"), html);
        assertFalse(html.contains("action-retry"), html);
        assertFalse(html.contains("dry-run-button"), html);
        assertTrue(html.contains("data-testid=\"timeline\""), html);
    }

    @Test
    void anOperatorGetsStartWithTheMigrationsInputsOnlyWhileNotStarted() {
        JsonNode notStarted = json("{'runId':null,'attempt':null,'runStatus':null,'candidateStatus':'not_started','steps':[]}");
        String html = render(candidate("not_started"), notStarted, true, Optional.empty());

        assertTrue(html.contains("action=\"/console/migrations/m/candidates/c/start\""), html);
        assertTrue(html.contains("name=\"input.target-version\""), html);
        assertTrue(html.contains(">Target version</label>"), html);
        assertFalse(html.contains("action-cancel"), html);
        assertTrue(html.contains("hx-post=\"/console/migrations/m/candidates/c/dry-run\""), html);
    }

    @Test
    void aFailedStepOffersRetryAndCancelButNoStart() {
        String html = render(candidate("failed"), FAILED_RUN, true, Optional.empty());

        assertTrue(html.contains("data-testid=\"action-retry\">Retry bump</button>"), html);
        assertTrue(html.contains("data-testid=\"action-cancel\""), html);
        assertFalse(html.contains("action-start"), html);
    }

    @Test
    void theTimelineShowsEachStepsStatusTimesDispatchesAndChangeRequest() {
        String html = render(candidate("failed"), FAILED_RUN, false, Optional.empty());

        assertTrue(html.contains("data-step=\"bump\" data-status=\"failed\""), html);
        assertTrue(html.contains("dispatched 2 times"), html);
        assertTrue(html.contains("<time datetime=\"2026-12-01T10:01:00Z\" data-testid=\"step-finished\">2026-12-01 10:01:00 UTC</time>"), html);
        assertTrue(html.contains("href=\"https://git.example/pr/7\""), html);
        assertTrue(html.contains("data-testid=\"run-id\">run-1</code>"), html);
    }

    @Test
    void nothingTheMigratorWroteBecomesMarkupOrAScriptLink() {
        String html = render(candidate("failed"), FAILED_RUN, true, Optional.empty());

        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("<i>"), html);
        assertFalse(html.contains("<b>"), html);
        assertFalse(html.contains("href=\"javascript"), html);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertTrue(html.contains("<span class=\"muted\">javascript:alert(1)</span>"), html);
    }

    @Test
    void aRefusalIsShownWithTheApisMessageAndCode() {
        String html = render(candidate("running"), FAILED_RUN, true,
                             Optional.of(new CandidatePage.Refusal("Start", 409, "already_running", "candidate 'c' is running")));

        assertTrue(html.contains("role=\"alert\" data-testid=\"action-error\" data-code=\"already_running\""), html);
        assertTrue(html.contains("candidate &#39;c&#39; is running"), html);
    }
}
