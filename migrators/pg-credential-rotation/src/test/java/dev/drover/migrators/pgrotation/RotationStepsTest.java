package dev.drover.migrators.pgrotation;

import dev.drover.contract.run.CallbackStatus;
import dev.drover.migrator.StepResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each step against the machine's PostgreSQL: its effect, its idempotency, its waits and what it never reveals. Secrets
 * are folders, except where a test publishes to Kubernetes (fabric8's mock API server, CRUD mode).
 */
@EnableKubernetesMockClient(crud = true)
class RotationStepsTest {
    private static final Map<String, String> WAIT = Map.of("deadline", "PT10M");

    @TempDir
    Path secretsDir;
    KubernetesClient client;
    private TestPostgres pg;
    private MountedSecretDirectory secrets;
    private MutableClock clock;
    private Rotation rotation;
    private String group;
    private final List<StepResult> results = new ArrayList<>();
    private final List<Connection> sessions = new ArrayList<>();

    @BeforeEach
    void mark() throws Exception {
        pg = new TestPostgres(secretsDir);
        secrets = new MountedSecretDirectory(secretsDir);
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        rotation = new Rotation(pg.settings.database(), new Targets(pg.prefix), secrets, clock);
        group = pg.prefix + "_billing";
        try (Connection connection = pg.admin(); Statement statement = connection.createStatement()) {
            rotation.targets().createTable(connection);
            statement.execute("create role " + group + " nologin");
            rotation.targets().mark(connection, new Target("billing", group, group, "payments", "test", "", "billing"));
        }
    }

    @AfterEach
    void drop() throws Exception {
        for (Connection session : sessions) {
            session.close();
        }
        pg.close();
    }

    private StepResult run(String type) throws Exception {
        StepResult result = switch (type) {
            case "create-credential" -> new CreateCredentialStep(rotation).execute(TestPostgres.step(type, "billing", Map.of()));
            case "publish-credential" -> new PublishCredentialStep(rotation).execute(TestPostgres.step(type, "billing", Map.of()));
            case "await-adoption" -> new AwaitAdoptionStep(rotation).execute(TestPostgres.step(type, "billing", WAIT));
            case "revoke-credential" -> new RevokeCredentialStep(rotation).execute(TestPostgres.step(type, "billing", WAIT));
            default -> throw new IllegalArgumentException(type);
        };
        results.add(result);
        return result;
    }

    private Connection signIn(String role) throws Exception {
        Connection session = pg.sessionAs(role);
        sessions.add(session);
        return session;
    }

    private String role(int generation) {
        return group + "_" + generation;
    }

    @Test
    void createMakesOneLoginRoleInTheGroupWithoutAPasswordEvenWhenRunTwice() throws Exception {
        StepResult first = run("create-credential");
        assertEquals(CallbackStatus.SUCCEEDED, first.status(), first.message());
        assertEquals(role(1), first.metadata().get("role"));
        StepResult again = run("create-credential");
        assertEquals(CallbackStatus.SUCCEEDED, again.status());
        assertTrue(again.message().contains("exists already"), again.message());
        assertEquals(Map.of(group, false, role(1), true), pg.roles(), "one login role, and the group");
        assertNull(pg.verifier(role(1)), "no password until it is published");
        try (Connection connection = pg.admin(); Statement statement = connection.createStatement();
             var rows = statement.executeQuery("select pg_has_role('" + role(1) + "', '" + group + "', 'member')")) {
            rows.next();
            assertTrue(rows.getBoolean(1), "the login role is a member of the group");
        }
    }

    @Test
    void publishWritesTheMountedSecretOnceAndSetsThePasswordAsAVerifier() throws Exception {
        run("create-credential");
        StepResult published = run("publish-credential");
        assertEquals(CallbackStatus.SUCCEEDED, published.status(), published.message());
        Path folder = secretsDir.resolve("billing");
        assertEquals(role(1), Files.readString(folder.resolve("username")));
        String password = Files.readString(folder.resolve("password"));
        assertTrue(password.matches("[A-Za-z0-9_-]{43}"), "256 random bits, base64url: " + password.length() + " characters");
        String verifier = pg.verifier(role(1));
        assertTrue(verifier.startsWith("SCRAM-SHA-256$"), "PostgreSQL holds a verifier, not the password");
        assertEquals(verifier, TestPostgres.scramOf(password, verifier), "the published password is the role's");

        StepResult again = run("publish-credential");
        assertEquals(CallbackStatus.SUCCEEDED, again.status());
        assertEquals(password, Files.readString(folder.resolve("password")), "a second run changes nothing");
        assertEquals(verifier, pg.verifier(role(1)));
        assertSecretNeverLeaves(password);
    }

    /** Two executions at once (a redelivery racing a recheck): the advisory lock lets one create, the other finds it. */
    @Test
    void concurrentCreatesMakeOneRole() throws Exception {
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<StepResult>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> new CreateCredentialStep(rotation).execute(TestPostgres.step("create-credential", "billing", Map.of()))));
            }
            for (var run : runs) {
                StepResult result = run.get();
                assertEquals(CallbackStatus.SUCCEEDED, result.status(), result.message());
                assertEquals(role(1), result.metadata().get("role"));
            }
        }
        assertEquals(Map.of(group, false, role(1), true), pg.roles());
    }

    /** A crash between setting the password and writing the secret: the re-run sets a fresh one and publishes that. */
    @Test
    void aPublishThatDiedBeforeTheSecretWasWrittenIsHealedByTheNextRun() throws Exception {
        run("create-credential");
        SecretDestination failing = new SecretDestination() {
            @Override
            public java.util.Optional<String> publishedRole(Target target) throws Exception {
                return secrets.publishedRole(target);
            }

            @Override
            public void publish(Target target, String role, char[] password) {
                throw new IllegalStateException("the process died here");
            }

            @Override
            public String describe(Target target) {
                return secrets.describe(target);
            }
        };
        Rotation dying = new Rotation(rotation.database(), rotation.targets(), failing, clock);
        assertThrows(IllegalStateException.class, () -> new PublishCredentialStep(dying).execute(TestPostgres.step("publish-credential", "billing", Map.of())));
        String orphaned = pg.verifier(role(1));
        assertNotNull(orphaned, "the password was set, and is known to no one");
        assertTrue(Files.notExists(secretsDir.resolve("billing/username")));

        assertEquals(CallbackStatus.SUCCEEDED, run("publish-credential").status());
        String password = Files.readString(secretsDir.resolve("billing/password"));
        assertNotEquals(orphaned, pg.verifier(role(1)));
        assertEquals(pg.verifier(role(1)), TestPostgres.scramOf(password, pg.verifier(role(1))));
    }

    @Test
    void publishBeforeCreateFailsWithWhatToDo() throws Exception {
        StepResult result = run("publish-credential");
        assertEquals(CallbackStatus.FAILED, result.status());
        assertTrue(result.message().contains("create-credential"), result.message());
    }

    @Test
    void awaitAdoptionIsPendingUntilTheServiceUsesTheNewRoleAndNoneTheOld() throws Exception {
        rotateTo1AndAdopt();
        Connection old = signIn(role(1));
        assertEquals(role(2), run("create-credential").metadata().get("role"));
        run("publish-credential");

        StepResult waiting = run("await-adoption");
        assertEquals(CallbackStatus.PENDING, waiting.status(), waiting.message());
        assertTrue(waiting.message().contains("still use " + role(1)), waiting.message());

        Connection fresh = signIn(role(2));
        StepResult both = run("await-adoption");
        assertEquals(CallbackStatus.PENDING, both.status(), "the old session is still open: " + both.message());

        old.close();
        awaitStatus("await-adoption", CallbackStatus.SUCCEEDED);
        assertFalse(fresh.isClosed());
    }

    @Test
    void awaitAdoptionFailsPastItsDeadlineAndARetrySucceedsOnceAdopted() throws Exception {
        rotateTo1AndAdopt();
        run("create-credential");
        run("publish-credential");
        clock.advance(Duration.ofMinutes(11));
        StepResult late = run("await-adoption");
        assertEquals(CallbackStatus.FAILED, late.status());
        assertTrue(late.message().contains("has not adopted " + role(2) + " within PT10M"), late.message());
        assertTrue(late.message().contains("retry this step"), late.message());

        signIn(role(2));
        awaitStatus("await-adoption", CallbackStatus.SUCCEEDED);
    }

    @Test
    void revokeWaitsWhileTheOldRoleHasSessionsThenDropsItAndConverges() throws Exception {
        rotateTo1AndAdopt();
        Connection old = signIn(role(1));
        run("create-credential");
        run("publish-credential");
        signIn(role(2));

        StepResult busy = run("revoke-credential");
        assertEquals(CallbackStatus.PENDING, busy.status(), busy.message());
        assertEquals(Boolean.TRUE, pg.roles().get(role(1)), "a role in use is not touched, not even its LOGIN");
        assertFalse(old.isClosed());
        try (Statement statement = old.createStatement()) {
            statement.execute("select 1"); // nothing was terminated
        }

        clock.advance(Duration.ofMinutes(11));
        StepResult late = run("revoke-credential");
        assertEquals(CallbackStatus.FAILED, late.status());
        assertTrue(late.message().contains("terminates no session"), late.message());

        old.close();
        StepResult revoked = awaitStatus("revoke-credential", CallbackStatus.SUCCEEDED);
        assertEquals(role(1), revoked.metadata().get("revoked"));
        assertEquals(Map.of(group, false, role(2), true), pg.roles());
        StepResult again = run("revoke-credential");
        assertEquals(CallbackStatus.SUCCEEDED, again.status());
        assertEquals("", again.metadata().get("revoked"));
    }

    @Test
    void revokeGivesWhatTheOldRoleOwnsToTheGroup() throws Exception {
        rotateTo1AndAdopt();
        try (Connection connection = pg.admin(); Statement statement = connection.createStatement()) {
            statement.execute("grant create on schema " + pg.prefix + " to " + group);
        }
        try (Connection old = pg.sessionAs(role(1)); Statement statement = old.createStatement()) {
            statement.execute("create table " + pg.prefix + ".invoices (id int)");
        }
        run("create-credential");
        run("publish-credential");
        signIn(role(2));
        assertEquals(CallbackStatus.SUCCEEDED, run("revoke-credential").status());
        try (Connection connection = pg.admin(); Statement statement = connection.createStatement();
             var rows = statement.executeQuery("select tableowner from pg_tables where schemaname = '" + pg.prefix + "' and tablename = 'invoices'")) {
            assertTrue(rows.next());
            assertEquals(group, rows.getString(1));
        }
    }

    @Test
    void aServiceNoLongerMarkedIsRefusedByEveryStep() throws Exception {
        try (Connection connection = pg.admin(); Statement statement = connection.createStatement()) {
            statement.execute("delete from " + pg.prefix + ".targets");
        }
        for (String type : List.of("create-credential", "publish-credential", "await-adoption", "revoke-credential")) {
            StepResult result = run(type);
            assertEquals(CallbackStatus.FAILED, result.status(), type);
            assertTrue(result.message().contains("no longer marked for rotation"), result.message());
        }
    }

    /**
     * Publishing to Kubernetes Secrets, a row that names no namespace fails the steps that read or write its Secret with
     * what to fill, before any role is made, and no Secret is written (not in the client's own namespace either: in a
     * cluster, Drover's). Once the row names one, the rotation proceeds there.
     */
    @Test
    void publishingToKubernetesARowWithoutANamespaceFailsNamingTheColumnToFill() throws Exception {
        rotation = new Rotation(pg.settings.database(), rotation.targets(), new KubernetesSecrets(client), clock);
        for (String type : List.of("create-credential", "publish-credential")) {
            StepResult result = run(type);
            assertEquals(CallbackStatus.FAILED, result.status(), type + ": " + result.message());
            assertTrue(result.message().contains("service billing names no namespace for its Secret billing")
                               && result.message().contains("fill the namespace column of its row"), result.message());
        }
        assertEquals(Map.of(group, false), pg.roles(), "no login role made");
        assertEquals(List.of(), client.secrets().inAnyNamespace().list().getItems(), "no Secret written anywhere");

        try (Connection connection = pg.admin(); Statement statement = connection.createStatement()) {
            statement.execute("update " + rotation.targets().table() + " set namespace = 'payments'");
        }
        assertEquals(CallbackStatus.SUCCEEDED, run("create-credential").status());
        StepResult published = run("publish-credential");
        assertEquals(CallbackStatus.SUCCEEDED, published.status(), published.message());
        assertEquals("Secret payments/billing", published.metadata().get("secret"));
        var secret = client.secrets().inNamespace("payments").withName("billing").get();
        assertEquals(role(1), secret.getMetadata().getAnnotations().get(KubernetesSecrets.ROLE_ANNOTATION), "published in the row's namespace");
        assertEquals(1, client.secrets().inAnyNamespace().list().getItems().size(), "and nowhere else");
    }

    @Test
    void aMissingGroupRoleIsNamedInTheFailure() throws Exception {
        try (Connection connection = pg.admin(); Statement statement = connection.createStatement()) {
            statement.execute("drop role " + group);
        }
        StepResult result = run("create-credential");
        assertEquals(CallbackStatus.FAILED, result.status());
        assertTrue(result.message().contains("group role " + group + " of service billing does not exist"), result.message());
    }

    @Test
    void badDeadlineConfigIsTheMigrationAuthorsMistake() throws Exception {
        rotateTo1AndAdopt();
        StepResult result = new AwaitAdoptionStep(rotation).execute(TestPostgres.step("await-adoption", "billing", Map.of("deadline", "10 minutes")));
        assertEquals(CallbackStatus.FAILED, result.status());
        assertTrue(result.message().contains("no positive ISO-8601 duration"), result.message());
    }

    @Test
    void aRoleNameThatIsNoPlainIdentifierIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Target("x", "a\"; drop role postgres; --", null, "", "", "", ""));
    }

    /** Generation 1 created, published and used, as a service's first credential would be. */
    private void rotateTo1AndAdopt() throws Exception {
        run("create-credential");
        run("publish-credential");
        try (Connection session = pg.sessionAs(role(1))) {
            assertEquals(CallbackStatus.SUCCEEDED, run("await-adoption").status());
        }
        assertEquals(CallbackStatus.SUCCEEDED, run("revoke-credential").status());
    }

    /** pg_stat_activity lags a closed session by a moment: the step is run until it answers {@code status}. */
    private StepResult awaitStatus(String type, CallbackStatus status) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            StepResult result = run(type);
            if (result.status() == status || System.nanoTime() > until) {
                assertEquals(status, result.status(), result.message());
                return result;
            }
            Thread.sleep(200);
        }
    }

    /** No step result (the callback) carries the password, in its message or its metadata. */
    private void assertSecretNeverLeaves(String password) {
        assertNotNull(password);
        for (StepResult result : results) {
            assertFalse(result.message().contains(password), result.message());
            result.metadata().values().forEach(value -> assertNotEquals(password, value));
            result.metadata().values().forEach(value -> assertFalse(value.contains(password)));
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
