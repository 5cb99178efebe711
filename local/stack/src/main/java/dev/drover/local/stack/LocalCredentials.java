package dev.drover.local.stack;

import dev.drover.issuer.DevIssuer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Where {@code ./drover token} finds the running stack's issuer: {@code .drover/local.env}, readable by its owner
 * only, with the token endpoint, the development client's secret and the Dapr stand-in's API token (what a
 * migrator outside the stack publishes with). Written at start, deleted at stop.
 */
final class LocalCredentials {
    static final Path FILE = Path.of(".drover", "local.env");

    private LocalCredentials() {
    }

    static void write(LocalStack stack) {
        DevIssuer issuer = stack.issuer();
        List<String> lines = new java.util.ArrayList<>(List.of("# the running ./drover up; ./drover token reads this, and it is gone when the stack stops",
                                     "DROVER_API_URL=" + stack.apiUri(),
                                     "DROVER_ISSUER=" + issuer.issuer(),
                                     "DROVER_TOKEN_URL=" + issuer.tokenEndpoint(),
                                     "DROVER_CLIENT_ID=" + issuer.clientId(),
                                     "DROVER_CLIENT_SECRET=" + issuer.clientSecret(),
                                     "DAPR_HTTP_ENDPOINT=" + stack.daprHttpEndpoint(),
                                     // The gRPC address as the Dapr SDKs read it (Python and Go publish over gRPC).
                                     "DAPR_GRPC_ENDPOINT=" + stack.daprGrpcEndpoint(),
                                     "DAPR_API_TOKEN=" + stack.daprApiToken()));
        stack.chartMigratorUri().ifPresent(uri -> lines.add("DROVER_CHART_MIGRATOR_URL=" + uri));
        try {
            Files.createDirectories(FILE.getParent());
            Files.deleteIfExists(FILE);
            Files.createFile(FILE, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(FILE, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE.toAbsolutePath(), e);
        }
    }

    static void delete() {
        try {
            Files.deleteIfExists(FILE);
        } catch (IOException ignored) {
            // the next start overwrites it, and its secret is void once the stack is gone
        }
    }
}
