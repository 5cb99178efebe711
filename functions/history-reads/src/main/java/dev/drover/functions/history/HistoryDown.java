package dev.drover.functions.history;

import dev.drover.core.http.ApiException;
import io.helidon.dbclient.DbClientException;
import io.helidon.http.Status;

import java.util.function.Supplier;

/** A history read while the database is unreachable answers 503 {@code history_unavailable}, never a 500. */
final class HistoryDown {
    private static final System.Logger LOGGER = System.getLogger(HistoryDown.class.getName());

    private HistoryDown() {
    }

    static <T> T read(Supplier<T> query) {
        try {
            return query.get();
        } catch (DbClientException e) {
            // helidon-dbclient's own message names its step ("Failed to execute Statement"); the database's says why
            // (down, refused, a schema the history writer has not made yet)
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            LOGGER.log(System.Logger.Level.WARNING, "the history database is unavailable: " + e.getMessage()
                    + (cause == e ? "" : " (" + cause.getMessage() + ")"));
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "history_unavailable",
                                   "the history database is unavailable; retry later");
        }
    }
}
