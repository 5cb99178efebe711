package dev.drover.functions;

import dev.drover.console.signin.SignInSettings;
import dev.drover.core.state.RedisState;
import dev.drover.functions.trust.Trust;
import dev.drover.history.History;
import dev.drover.workflows.RunClient;

import java.net.URI;
import java.util.function.Supplier;

/**
 * What functions are built from: the state store, the run client, where the step relay pushes step events (a
 * Knative Broker's ingress, or the local stack's stand-in), the history database, what tells callers apart, and where
 * the API is for the console, which calls it over HTTP like any client ({@code DROVER_API_URL}; a supplier, since an
 * all-in-one process knows its own port only once it listens).
 *
 * <p>The store, the run client and the history are suppliers: a function process ({@link Main}) opens each only when
 * the function it builds asks for it, and refuses to hand out what the function did not declare ({@link Catalog}).
 */
public final class Platform {
    private final Supplier<RedisState> state;
    private final Supplier<RunClient> runs;
    private final URI brokerUrl;
    private final Supplier<History> history;
    private final Trust trust;
    private final Supplier<URI> apiUrl;
    private final Supplier<SignInSettings> signIn;

    private Platform(Supplier<RedisState> state, Supplier<RunClient> runs, URI brokerUrl, Supplier<History> history,
                     Trust trust, Supplier<URI> apiUrl, Supplier<SignInSettings> signIn) {
        this.state = state;
        this.runs = runs;
        this.brokerUrl = brokerUrl;
        this.history = history;
        this.trust = trust;
        this.apiUrl = apiUrl;
        this.signIn = signIn;
    }

    /**
     * A platform whose parts are asked for each time a function asks (Main's parts open once, on the first ask, and
     * refuse what the function did not declare).
     */
    public static Platform opening(Supplier<RedisState> state, Supplier<RunClient> runs, URI brokerUrl, Supplier<History> history,
                                   Trust trust, Supplier<URI> apiUrl, Supplier<SignInSettings> signIn) {
        return new Platform(state, runs, brokerUrl, history, trust, apiUrl, signIn);
    }

    /** A platform of parts already open. */
    public Platform(RedisState state, RunClient runs, URI brokerUrl, History history, Trust trust, Supplier<URI> apiUrl,
                    Supplier<SignInSettings> signIn) {
        this(() -> state, () -> runs, brokerUrl, () -> history, trust, apiUrl, signIn);
    }

    /** A platform whose console has no API to call (a process that serves no console, tests of other functions). */
    public Platform(RedisState state, RunClient runs, URI brokerUrl, History history, Trust trust) {
        this(state, runs, brokerUrl, history, trust, () -> {
            throw new IllegalStateException("no API address for the console: set DROVER_API_URL");
        });
    }

    /** A platform whose console cannot sign anyone in (its sign-in pages say so). */
    public Platform(RedisState state, RunClient runs, URI brokerUrl, History history, Trust trust, Supplier<URI> apiUrl) {
        this(state, runs, brokerUrl, history, trust, apiUrl, () -> {
            throw new IllegalArgumentException("the console's sign-in is not configured: set DROVER_CONSOLE_REDIRECT_URI");
        });
    }

    public RedisState state() {
        return state.get();
    }

    public RunClient runs() {
        return runs.get();
    }

    public URI brokerUrl() {
        return brokerUrl;
    }

    public History history() {
        return history.get();
    }

    public Trust trust() {
        return trust;
    }

    public Supplier<URI> apiUrl() {
        return apiUrl;
    }

    public Supplier<SignInSettings> signIn() {
        return signIn;
    }
}
