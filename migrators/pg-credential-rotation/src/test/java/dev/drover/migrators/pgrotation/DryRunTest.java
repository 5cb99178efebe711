package dev.drover.migrators.pgrotation;

import dev.drover.contract.dryrun.PlannedAction;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.migrator.Draft;
import dev.drover.migrator.StepHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A dry-run of a rotation: the roles and secret keys each step would change, no file, no secret, nothing changed. */
class DryRunTest {
    @TempDir
    Path secretsDir;
    private TestPostgres pg;
    private Rotation rotation;
    private String group;

    @BeforeEach
    void mark() throws Exception {
        pg = new TestPostgres(secretsDir);
        rotation = new Rotation(pg.settings.database(), new Targets(pg.prefix), new MountedSecretDirectory(secretsDir), Clock.systemUTC());
        group = pg.prefix + "_billing";
        try (Connection connection = pg.admin(); Statement statement = connection.createStatement()) {
            rotation.targets().createTable(connection);
            statement.execute("create role " + group + " nologin");
            rotation.targets().mark(connection, new Target("billing", group, group, "payments", "test", "", "billing"));
        }
        // Generation 1 is the service's credential.
        new CreateCredentialStep(rotation).execute(TestPostgres.step("create-credential", "billing", Map.of()));
        new PublishCredentialStep(rotation).execute(TestPostgres.step("publish-credential", "billing", Map.of()));
    }

    @AfterEach
    void drop() throws Exception {
        pg.close();
    }

    /** The actions of each step, as the SDK's dry-run collects them. */
    private List<List<PlannedAction>> simulate() throws Exception {
        Map<String, StepHandler> steps = new java.util.LinkedHashMap<>();
        steps.put("create-credential", new CreateCredentialStep(rotation));
        steps.put("publish-credential", new PublishCredentialStep(rotation));
        steps.put("await-adoption", new AwaitAdoptionStep(rotation));
        steps.put("revoke-credential", new RevokeCredentialStep(rotation));
        List<List<PlannedAction>> all = new ArrayList<>();
        for (var step : steps.entrySet()) {
            RecordingDraft draft = new RecordingDraft();
            step.getValue().simulate(TestPostgres.step(step.getKey(), "billing", Map.of("deadline", "PT10M")), draft);
            assertEquals(List.of(), draft.written, "no step changes a file");
            all.add(draft.actions);
        }
        return all;
    }

    @Test
    void eachStepSaysWhichRoleAndSecretKeysItWouldChangeAndChangesNothing() throws Exception {
        String password = Files.readString(secretsDir.resolve("billing/password"));
        Map<String, Boolean> roles = pg.roles();

        List<List<PlannedAction>> actions = simulate();

        assertEquals(List.of(new PlannedAction("role " + group + "_2", "create", "login, member of " + group
                + "; no password until it is published")), actions.get(0));
        assertEquals(List.of(new PlannedAction("role " + group + "_2", "update", "set a new random password (never shown)"),
                             new PlannedAction("mounted secret " + secretsDir.resolve("billing"), "update",
                                               "keys username, password (username " + group + "_1 -> " + group + "_2)")), actions.get(1));
        assertEquals(List.of(new PlannedAction("sessions of billing", "wait", "until they use " + group + "_2 and none uses "
                + group + "_1; at most PT10M after publication")), actions.get(2));
        assertEquals("role " + group + "_1", actions.get(3).getFirst().target());
        assertEquals("drop", actions.get(3).getFirst().action());

        assertEquals(roles, pg.roles(), "a dry-run creates and drops no role");
        assertEquals(password, Files.readString(secretsDir.resolve("billing/password")));
        assertEquals(group + "_1", Files.readString(secretsDir.resolve("billing/username")));
        assertFalse(actions.toString().contains(password), "no secret in a dry-run");
    }

    @Test
    void halfWayThroughARotationOnlyWhatIsLeftIsPlanned() throws Exception {
        assertEquals(CallbackStatus.SUCCEEDED,
                     new CreateCredentialStep(rotation).execute(TestPostgres.step("create-credential", "billing", Map.of())).status());
        List<List<PlannedAction>> actions = simulate();
        assertEquals(List.of(), actions.get(0), group + "_2 exists already");
        assertEquals("role " + group + "_2", actions.get(1).getFirst().target());
    }

    /** What the SDK's draft does with a step's output, kept in lists. */
    private static final class RecordingDraft implements Draft {
        final List<String> written = new ArrayList<>();
        final List<PlannedAction> actions = new ArrayList<>();

        @Override
        public Optional<String> read(String path) {
            return Optional.empty();
        }

        @Override
        public void write(String path, String content) {
            written.add(path);
        }

        @Override
        public void delete(String path) {
            written.add(path);
        }

        @Override
        public void action(String target, String action, String detail) {
            actions.add(new PlannedAction(target, action, detail));
        }
    }
}
