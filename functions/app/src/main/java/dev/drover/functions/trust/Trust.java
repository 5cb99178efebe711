package dev.drover.functions.trust;

import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.auth.PlatformAuthenticator;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.contract.signing.SignatureVerifier;
import dev.drover.contract.signing.SigningKeys;

import java.util.Map;

/**
 * Everything the functions need to tell callers apart (docs/adr/0007-security.md): who may call (tokens and
 * Dapr's app token), the platform's signing keys (callback tokens, signatures on what goes to migrators),
 * where migrators may be reached, and which proxies may say where a request came from.
 */
public record Trust(AuthSettings auth, TokenVerifier tokens, SigningKeys keys, CallbackTokens callbackTokens,
                    SignatureVerifier signatures, MigratorUrls migratorUrls, TrustedProxies proxies) {
    public static Trust of(AuthSettings auth, SigningKeys keys, MigratorUrls migratorUrls, TrustedProxies proxies) {
        return new Trust(auth, new TokenVerifier(auth), keys, new CallbackTokens(keys), SignatureVerifier.of(keys),
                         migratorUrls, proxies);
    }

    public static Trust fromEnvironment(Map<String, String> env) {
        return of(AuthSettings.fromEnvironment(env), SigningKeys.fromEnvironment(env), MigratorUrls.fromEnvironment(env),
                  TrustedProxies.fromEnvironment(env));
    }

    public Authenticator authenticator() {
        return new PlatformAuthenticator(auth, tokens);
    }
}
