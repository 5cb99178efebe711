package dev.drover.migrator;

import dev.drover.contract.ErrorBody;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What a migrator author meets when starting a migrator: a definition it cannot serve is refused at once, with the
 * step and the fix named; a started one says where it listens and what it announces.
 */
class MigratorTest {
    private static final URI NO_PLATFORM = URI.create("http://127.0.0.1:1");
    private static Migration migration(Step... steps) {
        return new Migration("greetings", "Greetings", "", List.of(), List.of(steps), List.of());
    }

    private static StepHandler greet() {
        return step -> StepResult.succeeded(Map.of(), "greeted");
    }

    @Test
    void aStepOfThisAppWhoseTypeHasNoHandlerIsRefusedAtStart() {
        Migration migration = migration(new Step("greet", "", "m", "greet", Map.of()), new Step("verify", "", "m", "verify", Map.of()));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Migrator.builder("m", migration)
                .step("greet", greet())
                .tokens(TokenSource.of("migrator-token"))
                .start(MigratorSettings.local(NO_PLATFORM)));
        assertEquals("step verify of greetings has type 'verify' but no handler is registered for it", refused.getMessage());
    }

    @Test
    void manualStepsAndOtherAppsStepsNeedNoHandler() {
        Migration migration = migration(new Step("greet", "", "m", "greet", Map.of()),
                                        new Step("approve", "", "m", Step.MANUAL, Map.of()),
                                        new Step("deploy", "", "deployer", "deploy", Map.of()));
        try (Migrator migrator = Migrator.builder("m", migration).step("greet", greet()).tokens(TokenSource.of("migrator-token"))
                .patience(Duration.ofSeconds(1)).start(MigratorSettings.local(NO_PLATFORM))) {
            assertEquals("m", migrator.appId());
            assertEquals(migration, migrator.migration());
        }
    }

    @Test
    void aMigratorWithoutAnIdentityIsRefusedNamingWhereToSetIt() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Migrator.builder("m", migration(
                new Step("greet", "", "m", "greet", Map.of()))).step("greet", greet()).start(MigratorSettings.local(NO_PLATFORM)));
        assertEquals("m has no identity to call the platform with: set DROVER_TOKEN_FILE or DROVER_TOKEN_URL, DROVER_CLIENT_ID "
                             + "and DROVER_CLIENT_SECRET (MigratorSettings.fromEnvironment), or give Migrator.Builder.tokens",
                     refused.getMessage());
    }

    @Test
    void theSettingsIdentityServesWhenTheBuilderGivesNone() {
        try (Migrator migrator = Migrator.builder("m", migration(new Step("greet", "", "m", "greet", Map.of())))
                .step("greet", greet()).patience(Duration.ofSeconds(1))
                .start(MigratorSettings.local(NO_PLATFORM).withTokens(TokenSource.of("from-settings")))) {
            assertEquals("m", migrator.appId());
        }
    }

    @Test
    void thePublicUrlIsAnnouncedForDryRunsUnlessTheMigrationNamesItsOwn() {
        Migration plain = migration(new Step("greet", "", "m", "greet", Map.of()));
        MigratorSettings settings = MigratorSettings.local(NO_PLATFORM).withPublicUrl("https://m.example.org");
        try (Migrator migrator = Migrator.builder("m", plain).step("greet", greet()).tokens(TokenSource.of("t"))
                .patience(Duration.ofSeconds(1)).start(settings)) {
            assertEquals("https://m.example.org", migrator.migration().migratorUrl());
        }
        Migration own = plain.withMigratorUrl("https://own.example.org");
        try (Migrator migrator = Migrator.builder("m", own).step("greet", greet()).tokens(TokenSource.of("t"))
                .patience(Duration.ofSeconds(1)).start(settings)) {
            assertEquals("https://own.example.org", migrator.migration().migratorUrl());
        }
        try (Migrator migrator = Migrator.builder("m", plain).step("greet", greet()).tokens(TokenSource.of("t"))
                .patience(Duration.ofSeconds(1)).start(MigratorSettings.local(NO_PLATFORM))) {
            assertEquals("", migrator.migration().migratorUrl(), "no public URL: no dry-run announced");
        }
    }

    @Test
    void theMigratorIsReachedWhereItListens() throws Exception {
        for (String[] bind : new String[][] {{"0.0.0.0", "127.0.0.1"}, {"127.0.0.1", "127.0.0.1"}, {"::", "127.0.0.1"},
                                             {"::1", "[::1]"}}) {
            try (Migrator migrator = Migrator.builder("m", migration(new Step("greet", "", "m", "greet", Map.of())))
                    .step("greet", greet()).tokens(TokenSource.of("t")).patience(Duration.ofSeconds(1))
                    .start(MigratorSettings.local(NO_PLATFORM).withBindHost(bind[0]))) {
                assertEquals(bind[0], migrator.bindHost());
                assertEquals(URI.create("http://" + bind[1] + ":" + migrator.port()), migrator.uri(), bind[0]);
                assertEquals(URI.create("http://" + bind[1] + ":" + migrator.port() + "/steps"), migrator.stepsUri());
                HttpResponse<String> health = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(migrator.uri().resolve("/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(2, health.statusCode() / 100, bind[0] + " is reached at " + migrator.uri());
            }
        }
    }

    @Test
    void theAuthorsRoutesFailingAreAnsweredInDroversErrorShapeWithoutTheirDetail() throws Exception {
        try (Migrator migrator = Migrator.builder("m", migration(new Step("greet", "", "m", "greet", Map.of())))
                .step("greet", greet()).tokens(TokenSource.of("t")).patience(Duration.ofSeconds(1))
                .service("/webhooks", rules -> rules
                        .post("/boom", (req, res) -> {
                            throw new IllegalStateException("db password is hunter2");
                        })
                        .post("/refused", (req, res) -> {
                            throw new HttpException("the merge was already seen", Status.CONFLICT_409);
                        })
                        .post("/helidon", (req, res) -> {
                            throw new HttpException("upstream gone", Status.BAD_GATEWAY_502);
                        })
                        .post("/internal", (req, res) -> {
                            throw new HttpException("db password is hunter2", Status.INTERNAL_SERVER_ERROR_500);
                        }))
                .start(MigratorSettings.local(NO_PLATFORM))) {
            for (String path : List.of("/webhooks/boom", "/webhooks/helidon", "/webhooks/internal")) {
                HttpResponse<String> failed = post(migrator, path);
                assertEquals(500, failed.statusCode(), failed.body());
                assertEquals("{\"error\":{\"code\":\"internal\",\"message\":\"unexpected failure; see the migrator's log\"}}", failed.body());
            }
            HttpResponse<String> refused = post(migrator, "/webhooks/refused");
            assertEquals(409, refused.statusCode(), refused.body());
            assertEquals("{\"error\":{\"code\":\"" + ErrorBody.codeFor(409) + "\",\"message\":\"Conflict: the merge was already seen\"}}",
                         refused.body());
        }
    }

    private static HttpResponse<String> post(Migrator migrator, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(migrator.uri().resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                                               HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAuthorsOwnRoutesAreServedBesideTheSdks() throws Exception {
        try (Migrator migrator = Migrator.builder("m", migration(new Step("greet", "", "m", "greet", Map.of())))
                .step("greet", greet()).tokens(TokenSource.of("t")).patience(Duration.ofSeconds(1))
                .service("/webhooks", rules -> rules.post("/merged", (req, res) -> Answers.json(res, Map.of("rechecked", false))))
                .start(MigratorSettings.local(NO_PLATFORM))) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(migrator.uri().resolve("/webhooks/merged")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("{\"rechecked\":false}", answer.body());
        }
    }

    @Test
    void aPatienceMustBePositive() {
        for (java.time.Duration none : List.of(java.time.Duration.ZERO, java.time.Duration.ofSeconds(-1))) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Migrator.builder("m", migration(new Step("greet", "", "m", "greet", Map.of()))).patience(none));
            assertEquals("patience must be positive, got " + none, refused.getMessage());
        }
    }
}
