package dev.drover.console.signin;

import java.net.URI;
import java.util.Map;

/**
 * How the console signs people in: the authorization code grant with PKCE at the same OIDC issuer whose tokens the
 * API accepts, as a public client (a browser application keeps no secret; PKCE stands in for one).
 *
 * @param issuer      the issuer ({@code DROVER_CONSOLE_ISSUER}, default {@code DROVER_OIDC_ISSUER}, the API's): its
 *                    discovery document names the authorization endpoint the browser is sent to and the token
 *                    endpoint the console exchanges the code at
 * @param clientId    the console's client at that issuer ({@code DROVER_CONSOLE_CLIENT_ID}, default "drover-console")
 * @param redirectUri where the issuer sends the browser back: the console's {@code /console/callback} as the browser
 *                    reaches it ({@code DROVER_CONSOLE_REDIRECT_URI}, required), registered with the issuer for the client
 * @param scope       what the console asks for ({@code DROVER_CONSOLE_SCOPE}, default "openid profile"; an IdP may need
 *                    one more scope to put the API's audience or the roles in the access token)
 */
public record SignInSettings(URI issuer, String clientId, URI redirectUri, String scope) {
    public static final String DEFAULT_CLIENT_ID = "drover-console";
    public static final String DEFAULT_SCOPE = "openid profile";
    public static final String CALLBACK_PATH = "/console/callback";

    public SignInSettings {
        issuer = httpUrl(issuer.toString(), "DROVER_CONSOLE_ISSUER");
        redirectUri = httpUrl(redirectUri.toString(), "DROVER_CONSOLE_REDIRECT_URI");
        if (!redirectUri.getPath().equals(CALLBACK_PATH) || redirectUri.getRawQuery() != null || redirectUri.getRawFragment() != null) {
            throw new IllegalArgumentException("DROVER_CONSOLE_REDIRECT_URI=" + redirectUri + " must be the console's callback, "
                                                       + "https://<console host>" + CALLBACK_PATH + ", with no query");
        }
        if (clientId.isBlank()) {
            throw new IllegalArgumentException("DROVER_CONSOLE_CLIENT_ID must name the console's client at the issuer");
        }
    }

    public static SignInSettings fromEnvironment(Map<String, String> env) {
        String issuer = first(env, "DROVER_CONSOLE_ISSUER", "DROVER_OIDC_ISSUER");
        if (issuer.isBlank()) {
            throw new IllegalArgumentException("DROVER_OIDC_ISSUER is not set: the console signs people in at the issuer "
                                                       + "whose tokens the API accepts (or set DROVER_CONSOLE_ISSUER)");
        }
        String redirect = env.getOrDefault("DROVER_CONSOLE_REDIRECT_URI", "");
        if (redirect.isBlank()) {
            throw new IllegalArgumentException("DROVER_CONSOLE_REDIRECT_URI is not set: name the console's callback as the "
                                                       + "browser reaches it (https://<console host>" + CALLBACK_PATH
                                                       + "), registered with the issuer for the console's client");
        }
        boolean own = !env.getOrDefault("DROVER_CONSOLE_ISSUER", "").isBlank();
        return new SignInSettings(httpUrl(issuer.trim(), own ? "DROVER_CONSOLE_ISSUER" : "DROVER_OIDC_ISSUER"),
                                  env.getOrDefault("DROVER_CONSOLE_CLIENT_ID", DEFAULT_CLIENT_ID).trim(),
                                  URI.create(redirect.trim()),
                                  env.getOrDefault("DROVER_CONSOLE_SCOPE", DEFAULT_SCOPE).trim());
    }

    /** The local stack's: its development issuer, the console on the stack's API port ({@code console} its origin). */
    public static SignInSettings local(URI issuer, URI console) {
        return new SignInSettings(issuer, DEFAULT_CLIENT_ID, console.resolve(CALLBACK_PATH), DEFAULT_SCOPE);
    }

    /** Whether the browser reaches the console over https: then every cookie it gets is Secure. */
    public boolean httpsOnly() {
        return "https".equals(redirectUri.getScheme());
    }

    private static String first(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value != null && !value.isBlank() ? value : env.getOrDefault(fallback, "");
    }

    private static URI httpUrl(String value, String name) {
        try {
            URI uri = URI.create(value);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawUserInfo() == null) {
                return uri;
            }
        } catch (IllegalArgumentException ignored) {
            // answered below
        }
        throw new IllegalArgumentException(name + "=" + value + " is not an http(s) URL");
    }
}
