package dev.drover.functions.trust;

import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.auth.PlatformAuthenticator;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.contract.signing.SignatureVerifier;
import dev.drover.contract.signing.SigningKeys;
import io.helidon.common.LazyValue;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything the functions need to tell callers apart (docs/adr/0007-security.md): who may call (tokens and
 * Dapr's app token), the platform's signing keys (callback tokens, signatures on what goes to migrators),
 * where migrators may be reached, and which proxies may say where a request came from.
 * <p>
 * The signing keys are read when a function first asks for them, which every function that signs or checks a
 * signature does as it is built: a key that does not parse still stops such a process at start, and a process of
 * functions that never sign (most reads) neither parses the key nor loads its cryptography (issue 16, ADR 0017).
 */
public record Trust(AuthSettings auth, TokenVerifier tokens, Supplier<Signing> signing, MigratorUrls migratorUrls,
                    TrustedProxies proxies) {
    /** The platform's signing keys and what is made of them. */
    public record Signing(SigningKeys keys, CallbackTokens callbackTokens, SignatureVerifier signatures) {
        static Signing of(SigningKeys keys) {
            return new Signing(keys, new CallbackTokens(keys), SignatureVerifier.of(keys));
        }
    }

    public static Trust of(AuthSettings auth, SigningKeys keys, MigratorUrls migratorUrls, TrustedProxies proxies) {
        Signing signing = Signing.of(keys);
        return new Trust(auth, new TokenVerifier(auth), () -> signing, migratorUrls, proxies);
    }

    public static Trust fromEnvironment(Map<String, String> env) {
        AuthSettings auth = AuthSettings.fromEnvironment(env);
        return new Trust(auth, new TokenVerifier(auth), LazyValue.create(() -> Signing.of(SigningKeys.fromEnvironment(env))),
                         MigratorUrls.fromEnvironment(env), TrustedProxies.fromEnvironment(env));
    }

    public SigningKeys keys() {
        return signing.get().keys();
    }

    public CallbackTokens callbackTokens() {
        return signing.get().callbackTokens();
    }

    public SignatureVerifier signatures() {
        return signing.get().signatures();
    }

    public Authenticator authenticator() {
        return new PlatformAuthenticator(auth, tokens);
    }
}
