package dev.drover.console.web;

import dev.drover.core.auth.Principal;
import dev.drover.core.auth.Role;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * The console's frame: head (assets, htmx configured for a strict Content-Security-Policy), the top bar with the
 * navigation and who is signed in, and the page's main content. Light or dark follows the system
 * ({@code prefers-color-scheme}, in console.css); the layout is one column on a phone.
 */
public final class Layout {
    /** The navigation's sections; a page names the one it belongs to. */
    public enum Section {
        MIGRATIONS("Migrations", Urls.ROOT + "/migrations");

        private final String label;
        private final String href;

        Section(String label, String href) {
            this.label = label;
            this.href = href;
        }
    }

    /** Scripts and styles from this origin only; no inline script, no eval (htmx is configured without it). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    private final Assets assets;

    public Layout(Assets assets) {
        this.assets = assets;
    }

    /**
     * Sends a whole page: status, security headers, never cached (it shows what this person may see).
     *
     * @param person who is signed in; null on a page answered before anyone was (a refusal)
     */
    public void send(ServerResponse res, Status status, String title, Section section, Principal.User person, Html main) {
        res.status(status);
        headers(res);
        res.send(page(title, section, person, main).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a fragment htmx swaps into a page. */
    public static void sendFragment(ServerResponse res, Html fragment) {
        headers(res);
        res.send(fragment.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void headers(ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
        res.header(HeaderNames.create("Referrer-Policy"), "same-origin");
    }

    String page(String title, Section section, Principal.User person, Html main) {
        Html h = new Html();
        h.trusted("<!doctype html>");
        h.open("html", "lang", "en");
        h.open("head");
        h.empty("meta", "charset", "utf-8");
        h.empty("meta", "name", "viewport", "content", "width=device-width, initial-scale=1");
        h.empty("meta", "name", "color-scheme", "content", "light dark");
        // No eval (hx-on, hx-vars) and no injected <style>: what the Content-Security-Policy allows.
        h.empty("meta", "name", "htmx-config",
                "content", "{\"allowEval\":false,\"includeIndicatorStyles\":false,\"allowScriptTags\":false,\"selfRequestsOnly\":true}");
        h.element("title", title + " · Drover");
        h.empty("link", "rel", "icon", "href", "data:,"); // no favicon request, no 404 in every browser's log
        h.empty("link", "rel", "stylesheet", "href", assets.url("console.css"));
        h.open("script", "src", assets.url("htmx.min.js"), "defer", "").close("script");
        h.open("script", "src", assets.url("sse.js"), "defer", "").close("script");
        h.open("script", "src", assets.url("console.js"), "defer", "").close("script");
        h.close("head");
        h.open("body");
        h.element("a", "Skip to content", "class", "skip", "href", "#main");
        h.open("header", "class", "top");
        h.element("a", "Drover", "class", "brand", "href", Urls.ROOT + "/", "data-testid", "brand");
        h.open("nav", "aria-label", "Main", "data-testid", "nav");
        for (Section s : Section.values()) {
            h.element("a", s.label, "href", s.href, "aria-current", s == section ? "page" : null,
                      "data-testid", "nav-" + s.name().toLowerCase(java.util.Locale.ROOT));
        }
        h.close("nav");
        h.open("span", "class", "who", "data-testid", "who");
        if (person == null) {
            h.text("not signed in");
        } else {
            h.text(person.name()).text(" · ").text(person.role().map(Role::wire).orElse("no role"));
        }
        h.close("span");
        if (person != null) {
            // A form, not a link: signing out changes state, so it is a POST the sign-out page checks is same-origin.
            h.open("form", "method", "post", "action", Urls.ROOT + "/sign-out", "class", "sign-out");
            h.element("button", "Sign out", "type", "submit", "data-testid", "sign-out");
            h.close("form");
        }
        h.close("header");
        h.open("main", "id", "main", "tabindex", "-1");
        h.add(main);
        h.close("main");
        h.close("body");
        h.close("html");
        return h.toString();
    }
}
