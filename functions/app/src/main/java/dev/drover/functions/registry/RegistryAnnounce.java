package dev.drover.functions.registry;

import dev.drover.contract.signing.ProofRefused;
import dev.drover.core.auth.Principal;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.contract.event.Announcement;
import dev.drover.core.event.DaprStatus;
import dev.drover.core.event.EventDelivery;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.InvalidInput;
import dev.drover.contract.model.Migration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.contract.model.Check;
import dev.drover.contract.event.AnnouncementOutcome;
import dev.drover.core.state.AnnouncementOutcomes;
import dev.drover.core.state.CandidateStore;
import dev.drover.core.state.MergeResult;
import dev.drover.core.state.MigrationStore;
import dev.drover.functions.candidates.CandidateList;
import dev.drover.core.history.HistoryEvent;
import dev.drover.core.history.OutboxEntry;
import dev.drover.functions.trust.MigratorUrls;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.core.history.OperatorAction;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Takes a migrator's announcement off the {@code migration-registry} topic and upserts the migration:
 * the definition is replaced, its createdAt, owner and candidates are kept.
 * <p>
 * Dapr delivers the event, not its publisher's HTTP request, so the migrator's identity travels inside it: its
 * bearer token in the CloudEvent extension {@value #TOKEN_EXTENSION} or, for plain JSON that Dapr wraps, in the data's
 * field of that name ({@link DeliveredAnnouncement} reads every form), verified like any other. The first app to
 * announce a migration id owns it; another app's announcement is dropped and audited. A {@code migratorUrl}
 * outside the allowlist is dropped too. {@code FunctionRouting} turns an announcement that can never be stored
 * into 200 DROP and a transient fault into 503 RETRY, as for every subscription. Dapr has already told the publisher
 * "published", so every drop of an announcement that names a migration id is recorded with its reason.
 */
public final class RegistryAnnounce implements Function {
    public static final String TOPIC = Announcement.TOPIC;
    /** The CloudEvent type of an announcement; other types on the topic are dropped. */
    public static final String EVENT_TYPE = Announcement.TYPE;
    /** The CloudEvent extension that carries the announcing migrator's bearer token. */
    public static final String TOKEN_EXTENSION = Announcement.TOKEN_EXTENSION;
    private static final System.Logger LOGGER = System.getLogger(RegistryAnnounce.class.getName());

    private final MigrationStore migrations;
    private final CandidateStore candidates;
    private final AnnouncementOutcomes outcomes;
    private final TokenVerifier tokens;
    private final MigratorUrls migratorUrls;
    private final HistoryRecorder history;

    public RegistryAnnounce(MigrationStore migrations, CandidateStore candidates, AnnouncementOutcomes outcomes,
                            TokenVerifier tokens, MigratorUrls migratorUrls, HistoryRecorder history) {
        this.migrations = migrations;
        this.candidates = candidates;
        this.outcomes = outcomes;
        this.tokens = tokens;
        this.migratorUrls = migratorUrls;
        this.history = history;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.subscription("registry-announce", TOPIC, "/registry/announce");
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        DeliveredAnnouncement announcement = DeliveredAnnouncement.read(EventDelivery.read(req));
        String migrationId = announcement.migrationId();
        String app;
        try {
            app = announcer(announcement);
        } catch (InvalidInput e) {
            // Nobody is proven, so no app's outcome is touched; the reason is kept apart for the author to read.
            if (isSlug(migrationId)) {
                outcomes.record(AnnouncementOutcome.unauthenticated(migrationId, e.code(), e.getMessage(), Instant.now()));
            }
            throw e;
        }
        try {
            if (!EVENT_TYPE.equals(announcement.type()) && !DeliveredAnnouncement.DAPR_TYPE.equals(announcement.type())) {
                throw new InvalidInput("wrong_event_type", "an announcement's CloudEvent type is " + EVENT_TYPE + " (or Dapr's "
                        + DeliveredAnnouncement.DAPR_TYPE + " for plain JSON), not '" + announcement.type() + "'");
            }
            String did = store(announcement.data(), app);
            outcome(migrationId, app, AnnouncementOutcome.ACCEPTED, null, did + " (" + announcement.form() + ")");
        } catch (InvalidInput e) {
            // The sender is proven (its token was verified): it may read why its announcement was dropped.
            outcome(migrationId, app, AnnouncementOutcome.DROPPED, e.code(), e.getMessage());
            throw e;
        }
        DaprStatus.SUCCESS.send(res, Status.OK_200);
    }

    /** Stores the announcement; answers what it did. Candidates in it (as the seed system's carry) are a first discovery. */
    private String store(ObjectNode data, String app) {
        JsonNode listed = data.remove("candidates");
        Migration migration = Json.read(Json.bytes(data), Migration.class);
        CandidateList discovered = listed == null || listed.isNull() ? new CandidateList(List.of(), List.of()) : CandidateList.of(listed);
        if (!migration.migratorUrl().isEmpty()) {
            migratorUrls.refusal(migration.migratorUrl()).ifPresent(why -> {
                throw new InvalidInput("migrator_url_not_allowed", "announcement of '" + migration.id() + "' by " + app + ": " + why);
            });
        }
        switch (migrations.announce(migration, app)) {
            case MigrationStore.Announced.Stored stored -> LOGGER.log(Level.INFO, "migration '%s' announced (%s) by %s"
                    .formatted(migration.id(), stored.changed() ? "definition stored" : "definition unchanged", app));
            case MigrationStore.Announced.Refused refused -> {
                history.record(new OperatorAction(Instant.now(), "migrator:" + app, "announce-refused", migration.id(), null,
                                                  null, "dapr", Map.of("owner", refused.owner())));
                throw new InvalidInput("not_owner", "migrator app " + app + " may not announce '" + migration.id()
                        + "': it belongs to " + refused.owner() + " (an admin can transfer it)");
            }
        }
        String did = "definition stored";
        if (!discovered.candidates().isEmpty()) {
            // Merged as a discovery submission is: never replacing, a running or completed candidate untouched.
            MergeResult merged = candidates.merge(migration.id(), discovered.candidates(), OutboxEntry.encode(
                    HistoryEvent.candidatesSubmitted("announcement-" + UUID.randomUUID(), migration.id(), 0, 0, 0, 0, Instant.now())));
            did += "; its " + discovered.candidates().size() + " candidate(s) merged as a discovery (added " + merged.added()
                    + ", updated " + merged.updated() + ", unchanged " + merged.unchanged() + ", untouched " + merged.untouched() + ")";
        }
        for (String warning : discovered.warnings()) {
            did += "; " + warning;
            LOGGER.log(Level.WARNING, "announcement of '%s' by %s: %s".formatted(migration.id(), app, warning));
        }
        return did;
    }

    private static boolean isSlug(String migrationId) {
        return migrationId.length() <= Check.SLUG_MAX && Check.SLUG.matcher(migrationId).matches();
    }

    private void outcome(String migrationId, String app, String outcome, String code, String reason) {
        if (isSlug(migrationId)) {
            outcomes.record(new AnnouncementOutcome(migrationId, app, outcome, code, reason, Instant.now()));
        }
    }

    /** The app whose token the announcement carries; a missing or invalid one can never be stored. */
    private String announcer(DeliveredAnnouncement announcement) {
        String token = announcement.token().orElseThrow(() -> new InvalidInput("unauthenticated_announcement",
                "the announcement (" + announcement.form() + ") carries no migrator token: put it in the CloudEvent extension "
                        + TOKEN_EXTENSION + ", or, when publishing plain JSON, in the data's top-level field " + TOKEN_EXTENSION));
        Principal principal;
        try {
            principal = tokens.verify(token);
        } catch (ProofRefused e) {
            if (e.unavailable()) {
                throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "auth_unavailable", e.getMessage());
            }
            throw new InvalidInput("unauthenticated_announcement", "the announcement's token is refused: " + e.getMessage());
        }
        if (!(principal instanceof Principal.Migrator migrator)) {
            throw new InvalidInput("unauthenticated_announcement", "the announcement's token is " + principal.actor()
                    + "'s, not a migrator app's");
        }
        return migrator.app();
    }
}
