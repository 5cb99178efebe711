package dev.drover.functions.platform;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.contract.signing.SigningKeys;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * {@code GET /platform/keys}: the public keys (a JWK set) that the platform's signatures on step events and
 * dry-run requests verify with. Migrators fetch it with their own token, and again when a signature names a key
 * they have not seen (a rotation).
 */
public final class PlatformKeys implements Function {
    private final byte[] keys;

    public PlatformKeys(SigningKeys signing) {
        this.keys = signing.publicKeys().toString(true).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("platform-keys", Method.GET, "/platform/keys", Access.AUTHENTICATED);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/jwk-set+json");
        res.header(HeaderNames.CACHE_CONTROL, "max-age=300");
        res.send(keys);
    }
}
