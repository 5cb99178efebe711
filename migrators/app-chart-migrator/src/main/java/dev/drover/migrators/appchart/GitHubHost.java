package dev.drover.migrators.appchart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GitHub as the code host, through its REST API with a token: pull requests are the change requests.
 * Uses three endpoints: list pulls by head branch, create a pull, get a pull (for {@code mergeable}).
 * The API base is configurable for GitHub Enterprise ({@code https://ghe.example.com/api/v3}) and tests.
 */
public final class GitHubHost implements CodeHost {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    private final String owner;
    private final String repo;
    private final String token;
    private final GitRemote remote;
    private final String webBase;
    private final HttpClient http;

    /**
     * @param api      e.g. {@code https://api.github.com}
     * @param ownerRepo {@code owner/name}
     * @param cloneUrl e.g. {@code https://github.com/owner/name.git}
     * @param webBase  e.g. {@code https://github.com}, for file links
     */
    public GitHubHost(URI api, String ownerRepo, String token, String cloneUrl, String mainBranch, String webBase) {
        String[] parts = ownerRepo.split("/");
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("GitHub repository must be written owner/name, got '" + ownerRepo + "'");
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a GitHub token is required to open pull requests on " + ownerRepo);
        }
        this.api = URI.create(api.toString().replaceAll("/+$", "") + "/");
        this.owner = parts[0];
        this.repo = parts[1];
        this.token = token;
        this.remote = GitRemote.withToken(cloneUrl, mainBranch, token);
        this.webBase = webBase == null ? "" : webBase.replaceAll("/+$", "");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public GitRemote remote() {
        return remote;
    }

    @Override
    public Optional<ChangeRequest> findByBranch(String branch) throws IOException {
        String query = "head=" + enc(owner + ":" + branch) + "&state=all&per_page=100";
        JsonNode pulls = send(get("repos/" + owner + "/" + repo + "/pulls?" + query), 200);
        List<JsonNode> mine = new ArrayList<>();
        pulls.forEach(p -> {
            if (branch.equals(p.path("head").path("ref").asText())) {
                mine.add(p);
            }
        });
        Optional<JsonNode> chosen = mine.stream().filter(p -> "open".equals(p.path("state").asText())).findFirst()
                .or(() -> mine.stream().max(Comparator.comparingLong(p -> p.path("number").asLong())));
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        // the list does not carry mergeability; the single pull does
        return Optional.of(pull(chosen.get().path("number").asLong()));
    }

    @Override
    public ChangeRequest open(String branch, String title, String body) throws IOException {
        Map<String, String> request = new LinkedHashMap<>();
        request.put("title", title);
        request.put("head", branch);
        request.put("base", remote.mainBranch());
        request.put("body", body);
        HttpRequest post = builder("repos/" + owner + "/" + repo + "/pulls")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request))).build();
        HttpResponse<byte[]> response = call(post);
        if (response.statusCode() == 422) {
            // "A pull request already exists": another attempt opened it first; use that one
            Optional<ChangeRequest> existing = findByBranch(branch);
            if (existing.isPresent() && existing.get().state() == ChangeRequest.State.OPEN) {
                return existing.get();
            }
        }
        return toChange(check(post, response, 201));
    }

    @Override
    public String fileUrl(String branch, String path) {
        return webBase.isEmpty() ? "" : webBase + "/" + owner + "/" + repo + "/blob/" + branch + "/" + path;
    }

    private ChangeRequest pull(long number) throws IOException {
        return toChange(send(get("repos/" + owner + "/" + repo + "/pulls/" + number), 200));
    }

    private static ChangeRequest toChange(JsonNode pull) {
        // the list endpoint has no "merged" field, only "merged_at"; the single pull has both
        boolean merged = pull.path("merged").asBoolean(false) || pull.hasNonNull("merged_at");
        ChangeRequest.State state = merged
                ? ChangeRequest.State.MERGED
                : "open".equals(pull.path("state").asText()) ? ChangeRequest.State.OPEN : ChangeRequest.State.CLOSED;
        JsonNode mergeable = pull.path("mergeable");
        Boolean canMerge = mergeable.isBoolean() ? mergeable.asBoolean() : null; // null: GitHub is still computing
        return new ChangeRequest(pull.path("number").asText(), pull.path("head").path("ref").asText(),
                                 pull.path("html_url").asText(), state, canMerge, List.of());
    }

    private HttpRequest get(String path) {
        return builder(path).GET().build();
    }

    private HttpRequest.Builder builder(String path) {
        return HttpRequest.newBuilder(api.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
    }

    private JsonNode send(HttpRequest request, int expected) throws IOException {
        return check(request, call(request), expected);
    }

    private HttpResponse<byte[]> call(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted calling " + request.uri(), e);
        } catch (IOException e) {
            throw new IOException("cannot reach GitHub at " + request.uri() + ": " + GitWorkspace.rootMessage(e), e);
        }
    }

    private JsonNode check(HttpRequest request, HttpResponse<byte[]> response, int expected) throws IOException {
        if (response.statusCode() != expected) {
            String body = new String(response.body(), StandardCharsets.UTF_8);
            String hint = switch (response.statusCode()) {
                case 401 -> "; the token is invalid or expired";
                case 403, 404 -> "; check that the token may read and write pull requests of " + owner + "/" + repo;
                default -> "";
            };
            throw new IOException("GitHub answered " + response.statusCode() + " to " + request.method() + " " + request.uri()
                                          + ": " + abbreviate(body) + hint);
        }
        return JSON.readTree(response.body());
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 297) + "...";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
