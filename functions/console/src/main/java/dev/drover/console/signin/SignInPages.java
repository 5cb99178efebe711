package dev.drover.console.signin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static dev.drover.core.http.Html.escape;

/**
 * The pages a sign-in ends on when it does not end in the console: what went wrong, in words, and a link that starts
 * it again. Self-contained (no script, no console layout), since they show when nothing else can.
 */
final class SignInPages {
    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2328}"
            + ".why{color:#59636e}a.retry{display:inline-block;margin-top:1rem;padding:.4rem 1rem;border:1px solid #1f6feb;"
            + "border-radius:6px;text-decoration:none}";

    private SignInPages() {
    }

    /** A sign-in that did not work, why ({@code detail}, shown as text), and the link that tries again. */
    static void problem(ServerResponse res, Status status, String title, String explanation, String detail, String next) {
        StringBuilder html = head(title);
        html.append("<h1>").append(escape(title)).append("</h1>\n<p>").append(escape(explanation)).append("</p>\n");
        if (detail != null && !detail.isBlank()) {
            html.append("<p class=\"why\">").append(escape(detail)).append("</p>\n");
        }
        html.append("<a class=\"retry\" href=\"").append(escape(signInLink(next))).append("\">Sign in again</a>\n</body></html>\n");
        if (status.code() == Status.SERVICE_UNAVAILABLE_503.code()) {
            res.header(HeaderNames.RETRY_AFTER, "5");
        }
        send(res, status, html.toString());
    }

    static void signedOut(ServerResponse res) {
        send(res, Status.OK_200, head("Signed out") + "<h1>Signed out</h1>\n<p>This browser no longer holds your Drover "
                + "session. Your identity provider may still remember you.</p>\n<a class=\"retry\" href=\""
                + escape(signInLink(NextPage.HOME)) + "\">Sign in again</a>\n</body></html>\n");
    }

    static String signInLink(String next) {
        return "/console/sign-in?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
    }

    private static void send(ServerResponse res, Status status, String html) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
        res.header("Referrer-Policy", "no-referrer");
        res.send(html.getBytes(StandardCharsets.UTF_8));
    }

    private static StringBuilder head(String title) {
        return new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                                         + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
                .append(escape(title)).append(" · Drover</title><style>").append(STYLE).append("</style></head><body>\n");
    }
}
