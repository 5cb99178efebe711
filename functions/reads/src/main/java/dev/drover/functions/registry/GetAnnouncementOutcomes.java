package dev.drover.functions.registry;

import dev.drover.contract.event.AnnouncementOutcome;
import dev.drover.core.auth.Access;
import dev.drover.core.auth.Principal;
import dev.drover.core.auth.Principals;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.state.AnnouncementOutcomes;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/**
 * {@code GET /registry/announcements/{migrationId}}: what became of the last announcement of a migration. Dapr answers
 * a publisher before the platform reads its event, so this is where a migrator learns that its announcement was
 * dropped, and why. A migrator app sees its own outcome (also when the migration is another app's: that is why it was
 * dropped); an admin sees every app's. Empty while no announcement of it by the caller has been read yet. Beside them,
 * the last announcement of the migration that proved no app (no token, or a refused one): its author cannot be told
 * apart from anyone else, so every caller sees it, and learns why it was dropped.
 */
public final class GetAnnouncementOutcomes implements Function {
    /**
     * The answer.
     *
     * @param items           the outcomes the caller may see, by app
     * @param unauthenticated the last announcement that proved no app, or null
     */
    public record Body(String migrationId, List<AnnouncementOutcome> items, AnnouncementOutcome unauthenticated) {
    }

    private final AnnouncementOutcomes outcomes;

    public GetAnnouncementOutcomes(AnnouncementOutcomes outcomes) {
        this.outcomes = outcomes;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("registry-announcements", Method.GET, "/registry/announcements/{migrationId}", Access.MIGRATOR);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String migrationId = Http.slugParam(req, "migrationId");
        List<AnnouncementOutcome> all = outcomes.of(migrationId);
        // Access.MIGRATOR admits a migrator app or an admin: a migrator sees its own outcome only.
        List<AnnouncementOutcome> visible = Principals.of(req) instanceof Principal.Migrator migrator
                ? all.stream().filter(outcome -> outcome.app().equals(migrator.app())).toList()
                : all;
        Http.json(res, new Body(migrationId, visible, outcomes.unauthenticated(migrationId).orElse(null)));
    }
}
