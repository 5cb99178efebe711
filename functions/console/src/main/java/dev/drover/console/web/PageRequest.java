package dev.drover.console.web;

import dev.drover.core.auth.Principal;
import dev.drover.core.auth.Role;
import dev.drover.core.auth.SessionCredential;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.util.List;
import java.util.Optional;

/**
 * A console request as a page sees it: the HTTP request, the route's path parameters, the person the routing
 * proved (with their role, read from their token's claims exactly as the API reads it) and their token, which
 * every API call forwards.
 */
public record PageRequest(ServerRequest http, Parameters pathParams, Principal.User person, SessionCredential credential) {
    /** A path parameter of the route ({@code {id}}), decoded. */
    public String param(String name) {
        return pathParams.get(name);
    }

    /** A query parameter given once, if given and not blank. */
    public Optional<String> query(String name) {
        return http.query().first(name).asOptional().filter(v -> !v.isBlank());
    }

    public List<String> queryAll(String name) {
        return http.query().contains(name) ? http.query().all(name) : List.of();
    }

    /** The person's API access token: forward it, never show or log it. */
    public String token() {
        return credential.token();
    }

    /** Whether the person's role includes {@code role}: what decides which controls a page offers (the API still decides). */
    public boolean may(Role role) {
        return person.has(role);
    }

    /** Whether htmx sent this request (it swaps the answer into the page instead of loading a new one). */
    public boolean fromHtmx() {
        return http.headers().contains(HeaderNames.create("HX-Request"));
    }

    /** The path and query the browser asked for, as a sign-in's {@code next} or a form's way back. */
    public String pathAndQuery() {
        return Paths.pathAndQuery(http);
    }
}
