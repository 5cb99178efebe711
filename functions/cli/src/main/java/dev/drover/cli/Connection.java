package dev.drover.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which API the CLI talks to and with which token. The API: {@code --api}, else {@code DROVER_API_URL}, else the
 * running local stack's ({@code .drover/local.env}), else http://127.0.0.1:8080. The token: {@code --token-file},
 * else {@code DROVER_TOKEN}; there is no default, and the error says how to get one.
 */
record Connection(URI api, String token) {
    static final String DEFAULT_API = "http://127.0.0.1:8080";
    static final String TOKEN_HINT = "export DROVER_TOKEN=$(./drover token --role operator | tail -1)";

    static URI api(Optional<String> option, Map<String, String> env, Path home) {
        String url = option.filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(env.get("DROVER_API_URL")).filter(s -> !s.isBlank()))
                .or(() -> LocalStackFile.read(home).flatMap(LocalStackFile::apiUrl))
                .orElse(DEFAULT_API);
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException("not http(s)://host[:port]");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.USAGE, "the API URL '" + url + "' is not an http(s) URL (--api or DROVER_API_URL)");
        }
    }

    static Connection resolve(Optional<String> apiOption, Optional<Path> tokenFile, Map<String, String> env, Path home) {
        URI api = api(apiOption, env, home);
        String token;
        if (tokenFile.isPresent()) {
            try {
                token = Files.readString(tokenFile.get()).trim();
            } catch (IOException e) {
                throw new CliFailure(ExitCodes.USAGE, "cannot read the token file " + tokenFile.get() + " (" + e.getClass().getSimpleName() + ")");
            }
            if (token.isEmpty()) {
                throw new CliFailure(ExitCodes.USAGE, "the token file " + tokenFile.get() + " is empty");
            }
        } else {
            token = Optional.ofNullable(env.get("DROVER_TOKEN")).map(String::trim).orElse("");
            if (token.isEmpty()) {
                throw new CliFailure(ExitCodes.USAGE, "no token for " + api + ": set DROVER_TOKEN or pass --token-file FILE"
                        + (isLocalStack(api, home) ? "; the local stack runs, so: " + TOKEN_HINT : ""));
            }
        }
        return new Connection(api, token);
    }

    /** The API is the running local stack's, whose issuer {@code ./drover token} asks for a token. */
    static boolean isLocalStack(URI api, Path home) {
        return LocalStackFile.read(home).flatMap(LocalStackFile::apiUrl)
                .map(url -> url.replaceAll("/+$", "").equals(api.toString().replaceAll("/+$", ""))).orElse(false);
    }
}
