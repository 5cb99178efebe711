package dev.drover.knative;

import dev.drover.core.auth.AuthSettings;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.state.RedisState;
import dev.drover.functions.Catalog;
import dev.drover.functions.Platform;
import dev.drover.functions.trust.MigratorUrls;
import dev.drover.functions.trust.Trust;
import dev.drover.functions.trust.TrustedProxies;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The function list in code. Building it connects to nothing (Redis and Temporal clients are lazy; the token verifier
 * asks its issuer only when a token arrives).
 */
final class Functions {
    private static final RedisState NOWHERE = RedisState.connect(URI.create("redis://127.0.0.1:1"), "unused:");
    /** Only the functions' specs are read; the catalog needs some history to build them. */
    private static final History HISTORY = History.open(HistorySettings.inMemory("knative-test-" + UUID.randomUUID()));
    /** Only the specs are read: any issuer and a throwaway key build the catalog. */
    private static final Trust TRUST = Trust.of(AuthSettings.of(URI.create("https://issuer.invalid"), Optional.empty()),
                                                SigningKeys.generate(), new MigratorUrls(MigratorUrls.DEFAULT),
                                                new TrustedProxies(""));

    private Functions() {
    }

    static final Platform PLATFORM = new Platform(NOWHERE, new RunClient(new TemporalSettings("127.0.0.1:1", "default").client()),
                                                  URI.create("http://127.0.0.1:1/unused"), HISTORY, TRUST);

    static List<Function> all() {
        return Catalog.all(PLATFORM);
    }

    /** What the named function's process opens (Main opens what Catalog declares it uses). */
    static dev.drover.functions.PlatformUse use(String name) {
        return Catalog.uses(Optional.of(name));
    }

    static List<FunctionSpec> specs() {
        return all().stream().map(Function::spec).toList();
    }
}
