package dev.drover.core.http;

import dev.drover.core.auth.Access;
import dev.drover.core.auth.Authenticator;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the contract, {@code schemas/openapi.yaml}, at {@code GET /openapi.yaml}, to any authenticated caller. */
public final class OpenApiService implements HttpService {
    public static final String RESOURCE = "/schemas/openapi.yaml";
    private final byte[] spec;
    private final Authenticator auth;

    public OpenApiService(Authenticator auth) {
        this.auth = auth;
        try (InputStream in = OpenApiService.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the build did not package " + RESOURCE);
            }
            this.spec = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/openapi.yaml", (req, res) -> {
            auth.authenticate(req, Access.AUTHENTICATED);
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(spec);
        });
        // The routing's 405 knows the functions' routes only; this one is the service's own.
        rules.any("/openapi.yaml", (req, res) -> {
            res.header(HeaderNames.ALLOW, "GET");
            Http.error(res, Status.METHOD_NOT_ALLOWED_405, "method_not_allowed", "only GET is allowed on /openapi.yaml");
        });
    }
}
