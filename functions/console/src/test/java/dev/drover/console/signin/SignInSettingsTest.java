package dev.drover.console.signin;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's sign-in settings as an operator gives them: the API's issuer by default, a callback that is the console's. */
class SignInSettingsTest {
    @Test
    void theApisIssuerByDefaultAndTheConsolesClient() {
        SignInSettings settings = SignInSettings.fromEnvironment(Map.of(
                "DROVER_OIDC_ISSUER", "https://idp.example/realms/ops",
                "DROVER_CONSOLE_REDIRECT_URI", "https://drover.example/console/callback"));
        assertEquals(URI.create("https://idp.example/realms/ops"), settings.issuer());
        assertEquals("drover-console", settings.clientId());
        assertEquals("openid profile", settings.scope());
        assertTrue(settings.httpsOnly(), "a console reached over https gets Secure cookies");

        SignInSettings own = SignInSettings.fromEnvironment(Map.of(
                "DROVER_OIDC_ISSUER", "https://idp.example/realms/ops", "DROVER_CONSOLE_ISSUER", "https://login.example/",
                "DROVER_CONSOLE_CLIENT_ID", "drover-ui", "DROVER_CONSOLE_SCOPE", "openid drover-api",
                "DROVER_CONSOLE_REDIRECT_URI", "http://127.0.0.1:8080/console/callback"));
        assertEquals(URI.create("https://login.example/"), own.issuer());
        assertEquals("drover-ui", own.clientId());
        assertEquals("openid drover-api", own.scope());
        assertFalse(own.httpsOnly());
    }

    @Test
    void whatIsMissingOrWrongIsNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SignInSettings.fromEnvironment(Map.of(
                "DROVER_CONSOLE_REDIRECT_URI", "https://drover.example/console/callback"))).getMessage().contains("DROVER_OIDC_ISSUER"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SignInSettings.fromEnvironment(Map.of(
                "DROVER_OIDC_ISSUER", "https://idp.example"))).getMessage().contains("DROVER_CONSOLE_REDIRECT_URI is not set"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SignInSettings.fromEnvironment(Map.of(
                "DROVER_OIDC_ISSUER", "https://idp.example", "DROVER_CONSOLE_REDIRECT_URI", "https://drover.example/elsewhere")))
                           .getMessage().contains("must be the console's callback"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SignInSettings.fromEnvironment(Map.of(
                "DROVER_OIDC_ISSUER", "idp.example", "DROVER_CONSOLE_REDIRECT_URI", "https://drover.example/console/callback")))
                           .getMessage().contains("DROVER_OIDC_ISSUER=idp.example is not an http(s) URL"));
    }
}
