package dev.drover.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.console.web.Urls;
import dev.drover.contract.model.Check;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /console/migrations/{id}/bulk}: the bulk bar's form. The checked rows ({@code ids}) or everything the
 * filter matches ({@code scope=filter}) become the selector of the rollouts and bulk API: Start rollout is
 * {@code POST /migrations/{id}/rollouts}, Retry failed {@code .../bulk/retry}, Cancel running {@code .../bulk/cancel}.
 * The API checks the person's role; the answer is a 303 back to the page with what happened.
 */
public final class BulkAction implements Page {
    private static final int MAX_FORM_BYTES = 256 * 1024;

    private final ConsoleApi api;

    public BulkAction(ConsoleApi api) {
        this.api = api;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        String id = req.param("id");
        Map<String, List<String>> form = form(req);
        CandidateFilter filter = CandidateFilter.read(name -> first(form, name));
        String action = first(form, "action").orElse("");
        List<Map.Entry<String, String>> back = new ArrayList<>(filter.consoleParams());

        Map<String, Object> selector;
        if (first(form, "scope").map("filter"::equals).orElse(false)) {
            selector = filter.selector();
        } else {
            List<String> ids = form.getOrDefault("ids", List.of()).stream()
                    .filter(v -> v.length() <= Check.SLUG_MAX && Check.SLUG.matcher(v).matches()).distinct().toList();
            if (ids.isEmpty()) {
                back.add(Map.entry("done", "none"));
                redirect(res, Urls.withQuery(Urls.migration(id), back));
                return;
            }
            selector = new LinkedHashMap<>();
            selector.put("ids", ids);
        }
        String base = "/migrations/" + Urls.encode(id);
        JsonNode answer = switch (action) {
            case "start" -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("selector", selector);
                first(form, "concurrency").filter(v -> v.matches("\\d{1,4}")).map(Integer::parseInt)
                        .ifPresent(n -> body.put("concurrency", n));
                yield api.post(base + "/rollouts", body, req.token());
            }
            case "retry" -> api.post(base + "/bulk/retry", Map.of("selector", selector), req.token());
            case "cancel" -> api.post(base + "/bulk/cancel", Map.of("selector", selector), req.token());
            default -> throw new dev.drover.console.api.ApiError(400, "unknown_action",
                                                                  "the bulk bar offers start, retry and cancel, not '" + action + "'");
        };
        back.add(Map.entry("done", action));
        for (String field : List.of("selected", "applied", "skipped")) {
            JsonNode n = answer.path(field).isNumber() ? answer.path(field) : answer.path("counts").path(field);
            if (n.isNumber()) {
                back.add(Map.entry(field, Long.toString(n.asLong())));
            }
        }
        redirect(res, Urls.withQuery(Urls.migration(id), back));
    }

    private static void redirect(ServerResponse res, String location) {
        res.header(HeaderNames.LOCATION, location);
        res.status(Status.SEE_OTHER_303).send();
    }

    private static Optional<String> first(Map<String, List<String>> form, String name) {
        return form.getOrDefault(name, List.of()).stream().filter(v -> !v.isBlank()).findFirst();
    }

    /** An {@code application/x-www-form-urlencoded} body, as HTML forms post it. */
    static Map<String, List<String>> form(PageRequest req) {
        byte[] body = read(req);
        Map<String, List<String>> form = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw new dev.drover.console.api.ApiError(400, "bad_form", "the form's body is not URL-encoded");
            }
        }
        return form;
    }

    private static byte[] read(PageRequest req) {
        try {
            byte[] body = req.http().content().inputStream().readNBytes(MAX_FORM_BYTES + 1);
            if (body.length > MAX_FORM_BYTES) {
                throw new dev.drover.console.api.ApiError(413, "payload_too_large", "the form is larger than the console reads");
            }
            return body;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
