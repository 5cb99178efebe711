package dev.drover.functions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests to the console as a browser makes them (Accept text/html, the session cookie, same-origin fetch metadata)
 * or as a script does (a bearer header, no preference), over real HTTP; redirects are not followed, so tests see them.
 */
final class ConsoleBrowser {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private final URI server;

    ConsoleBrowser(URI server) {
        this.server = server;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.resolve(path));
    }

    /** A browser navigating to {@code path}, signed in with {@code token} in the session cookie (null: not signed in). */
    HttpResponse<String> page(String path, String token) throws Exception {
        HttpRequest.Builder request = request(path).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .header("Sec-Fetch-Mode", "navigate").header("Sec-Fetch-Site", "none");
        if (token != null) {
            request.header("Cookie", "drover_session=" + token);
        }
        return send(request.GET().build());
    }

    /** A script asking with a bearer header (null: none). */
    HttpResponse<String> script(String path, String token) throws Exception {
        HttpRequest.Builder request = request(path);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.GET().build());
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** How often {@code data-testid="<id>"} occurs in the page. */
    static int count(String html, String testId) {
        Matcher m = Pattern.compile("data-testid=\"" + Pattern.quote(testId) + "\"").matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The candidate ids of the table's rows, in order. */
    static List<String> rows(String html) {
        Matcher m = Pattern.compile("data-testid=\"candidate-row\" data-candidate=\"([^\"]+)\"").matcher(html);
        List<String> ids = new ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** The first {@code href} of the element with {@code data-testid="<id>"} (HTML entities for & undone). */
    static String href(String html, String testId) {
        Matcher m = Pattern.compile("<a [^>]*href=\"([^\"]*)\"[^>]*data-testid=\"" + Pattern.quote(testId) + "\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no link " + testId + " in the page");
        }
        return m.group(1).replace("&amp;", "&");
    }
}
