package dev.drover.migrators.appchart;

import dev.drover.migrator.Answers;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code POST /} for GitHub webhook deliveries: refuses (401) any delivery whose
 * {@code X-Hub-Signature-256} does not sign its body, and hands the head branch of a merged pull request
 * to {@code onMerged} (which re-runs the candidate's await-merge step). Every other event is
 * acknowledged and ignored. Register it under a prefix, e.g. {@code routing.register("/github/webhook", service)}.
 */
public final class GitHubWebhookService implements HttpService {
    private final GitHubWebhook webhook;
    private final Consumer<String> onMerged;

    public GitHubWebhookService(GitHubWebhook webhook, Consumer<String> onMerged) {
        this.webhook = webhook;
        this.onMerged = onMerged;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::deliver);
    }

    private void deliver(ServerRequest req, ServerResponse res) throws Exception {
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        String signature = req.headers().first(HeaderNames.create(GitHubWebhook.SIGNATURE_HEADER)).orElse(null);
        if (!webhook.verify(body, signature)) {
            Answers.error(res, Status.UNAUTHORIZED_401, "invalid_signature",
                       "the delivery's " + GitHubWebhook.SIGNATURE_HEADER + " does not sign its body with this webhook's secret");
            return;
        }
        String event = req.headers().first(HeaderNames.create(GitHubWebhook.EVENT_HEADER)).orElse("");
        var branch = GitHubWebhook.mergedBranch(event, body);
        branch.ifPresent(onMerged);
        Answers.json(res, Map.of("mergedBranch", branch.orElse("")));
    }
}
