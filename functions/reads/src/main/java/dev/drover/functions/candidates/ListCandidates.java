package dev.drover.functions.candidates;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Check;
import dev.drover.core.state.CandidatePage;
import dev.drover.core.state.CandidateQuery;
import dev.drover.core.state.CandidateStore;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.MigrationStamp;
import dev.drover.core.state.MigrationStore;
import dev.drover.core.state.RenderedReads;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /migrations/{id}/candidates?status=&meta.<key>=&idPrefix=&cursor=&limit=}: one page of candidates
 * in id order, each with its run's summary; filters are served from Redis indexes, and every filter given must match.
 */
public final class ListCandidates implements Function {
    private static final String META_PREFIX = "meta.";

    /** A page; {@code nextCursor} is null on the last page. */
    public record Body(List<Candidate> items, String nextCursor) {
    }

    /** What a page's answer depends on besides the migration's state. */
    private record Read(String migrationId, CandidateQuery query) {
    }

    private final MigrationStore migrations;
    private final CandidateStore candidates;
    private final RenderedReads reads;

    public ListCandidates(MigrationStore migrations, CandidateStore candidates, RenderedReads reads) {
        this.migrations = migrations;
        this.candidates = candidates;
        this.reads = reads;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidates-list", Method.GET, "/migrations/{id}/candidates", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String migrationId = Http.slugParam(req, "id");
        CandidateQuery query = query(req.query());
        MigrationStamp stamp = migrations.stamp(migrationId).orElseThrow(() -> new MigrationNotFound(migrationId));
        Http.jsonBytes(res, reads.get(new Read(migrationId, query), stamp, () -> {
            CandidatePage page = candidates.page(migrationId, query);
            return Json.bytes(new Body(page.items(), page.nextAfterId().map(ListCandidates::encodeCursor).orElse(null)));
        }));
    }

    static CandidateQuery query(Parameters params) {
        Optional<CandidateStatus> status = Optional.empty();
        Map<String, String> metadata = new HashMap<>();
        String idPrefix = "";
        String afterId = "";
        int limit = CandidateQuery.DEFAULT_LIMIT;
        for (String name : params.names()) {
            List<String> values = params.all(name);
            if (values.size() != 1) {
                throw invalid("give " + name + " once");
            }
            String value = values.getFirst();
            if (name.equals("status")) {
                status = Optional.of(CandidateStatus.parse(value).orElseThrow(
                        () -> invalid("status '" + value + "' is not one of " + CandidateStatus.names())));
            } else if (name.equals("idPrefix")) {
                if (value.length() > Check.SLUG_MAX || !Check.SLUG_PREFIX.matcher(value).matches()) {
                    throw invalid("idPrefix must be the start of a candidate id (lower-case letters, digits, '-', '.', '_'; "
                                          + "at most " + Check.SLUG_MAX + " characters)");
                }
                idPrefix = value;
            } else if (name.equals("limit")) {
                limit = limit(value);
            } else if (name.equals("cursor")) {
                afterId = decodeCursor(value);
            } else if (name.startsWith(META_PREFIX) && name.length() > META_PREFIX.length()) {
                String key = name.substring(META_PREFIX.length());
                if (key.length() > Check.META_KEY_MAX || !Check.META_KEY.matcher(key).matches()) {
                    throw invalid("metadata key '" + key + "' must match " + Check.META_KEY.pattern());
                }
                metadata.put(key, value);
            } else {
                throw invalid("unknown query parameter '" + name + "'; expected status, meta.<key>, idPrefix, cursor or limit");
            }
        }
        return new CandidateQuery(status, metadata, idPrefix, afterId, limit);
    }

    private static int limit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= CandidateQuery.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below, with the same message as an out-of-range number
        }
        throw invalid("limit must be a whole number from 1 to " + CandidateQuery.MAX_LIMIT + ", got '" + value + "'");
    }

    /** The cursor is opaque to clients: today the last id of the page, base64url-encoded. */
    static String encodeCursor(String afterId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(afterId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            String afterId = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (afterId.length() <= Check.SLUG_MAX && Check.SLUG.matcher(afterId).matches()) {
                return afterId;
            }
        } catch (IllegalArgumentException ignored) {
            // answered below
        }
        throw new ApiException(io.helidon.http.Status.BAD_REQUEST_400, "invalid_cursor",
                               "cursor '" + cursor + "' was not issued by this API; use nextCursor from a previous page");
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("invalid_query", message);
    }
}
